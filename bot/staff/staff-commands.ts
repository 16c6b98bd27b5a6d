/**
 * The staff command layer, whatever the channel: Discord slash commands today, the
 * console's staff panel later. A request names who asks (with their ouen roles) and
 * what; the layer checks the permission on the server, audits refusals and every view
 * of an application, and answers with channel-neutral content that an adapter renders
 * (bot/discord/).
 */
import { calendarDate, formatInstant } from '../../flows/engine/dates.ts';
import type { ProgramConfig } from '../../flows/program.ts';
import { answerCells, answerColumns, missingAnswers } from '../../core/applications/answer-display.ts';
import { answersOf, findByReceipt, latestDocument, listApplications, receiptsStartingWith, type ApplicationFilter, type StaffApplication } from '../../core/applications/staff-queries.ts';
import { appendAudit, type AuditEntry } from '../../core/audit/audit-log.ts';
import type pg from 'pg';
import { sqlClient, transactOn } from '../../core/db/pg-transaction.ts';
import { findEntrants, findRounds } from '../../core/judging/judging.repository.ts';
import { judgeOf } from '../../core/judging/judging.service.ts';
import { authorize, denialAudit, type Role } from '../../core/staff/permissions.ts';
import { collectStats, statsConsultationsOf, statsEventOf } from '../../core/stats/collect-stats.ts';
import { guideText } from './command-guide.ts';
import { permissionFor, refusalText, roleNames } from './command-permissions.ts';
import { runBroadcastCommand } from './broadcast-commands.ts';
import { runDeliveryCommand } from './delivery-commands.ts';
import { runEventCommand } from './event-commands.ts';
import { runBoothCommand } from './booth-commands.ts';
import { runSeminarCommand } from './seminar-commands.ts';
import { runInboxCommand } from './inbox-commands.ts';
import { componentId } from './staff-components.ts';
import { runJudgingCommand, type JudgingCommand } from './judging-commands.ts';
import { staffText, type StaffLanguage, type StaffMessageKey } from './staff-messages.ts';
import type { StaffButton, StaffCommand, StaffDeps, StaffReply, StaffRequest } from './staff-types.ts';
import { CONTEST_FLOW_ID } from '../../flows/index.ts';

export type { StaffCommand, StaffDeps, StaffReply, StaffRequest } from './staff-types.ts';

/** Staff commands on a pool of their own: staff lookups must never make webhook writes wait for a connection. */
export function staffDepsOn(pool: pg.Pool, context: Omit<StaffDeps, 'db' | 'transact'>): StaffDeps {
  return { db: sqlClient(pool), transact: transactOn(pool), ...context };
}

/** A list shows at most this many; Discord's card holds 25 fields and 4,096 characters of text. */
const LIST_LIMIT = 20;
/** Each answer in a detail card is cut here; all of them share ANSWERS_BUDGET, within Discord's 6,000 characters a card. */
const ANSWER_CHARS = 350;
const ANSWERS_BUDGET = 4_500;
/** Discord shows at most 25 fields on a card; three are the status, the date and the document. */
const ANSWER_FIELDS = 22;
/** One refusal per person and action is audited in this window; repeats only add noise (and load). */
const REFUSAL_AUDIT_WINDOW_MS = 60_000;
const lastRefusalAudit = new Map<string, number>();

export async function runStaffCommand(deps: StaffDeps, request: StaffRequest): Promise<StaffReply> {
  const { command, language } = request;
  if (command.name === 'help') return helpReply(request);
  const action = permissionFor(command)!;
  const decision = authorize(request.roles, action);
  if (!decision.allowed) {
    if (shouldAuditRefusal(`${request.actor} ${action}`, deps.clock().getTime())) await audit(deps, [denialAudit(request.actor, action, decision.reason)]);
    return { text: refusalText(language, action, decision.reason, request.roles) };
  }
  switch (command.name) {
    case 'stats': return statsReply(deps, language);
    case 'applications': return listReply(deps, language, command.filter);
    case 'application': return detailReply(deps, request, command.receipt);
    case 'document': return documentReply(deps, request, command.receipt);
    case 'inbox':
    case 'replyForm':
    case 'reply':
    case 'closeHandoff':
      return runInboxCommand(deps, { ...request, command });
    case 'deliveries':
    case 'retryDelivery':
      return runDeliveryCommand(deps, { ...request, command });
    case 'event':
    case 'eventRoster':
      return runEventCommand(deps, { ...request, command });
    case 'booth':
    case 'boothNoShow':
    case 'boothRoster':
      return runBoothCommand(deps, { ...request, command });
    case 'seminars':
    case 'seminar':
    case 'seminarRoster':
    case 'seminarMove':
    case 'seminarForm':
    case 'changeSeminar':
    case 'seminarNotices':
    case 'answerSeminarNotice':
      return runSeminarCommand(deps, { ...request, command });
    case 'broadcastForm':
    case 'draftBroadcast':
    case 'broadcasts':
    case 'testBroadcast':
    case 'answerBroadcast':
    case 'sendReports':
      return runBroadcastCommand(deps, { ...request, command });
    case 'approvals': return approvalsReply(deps, request);
    default: return runJudgingCommand(deps, { ...request, command: command as JudgingCommand });
  }
}

/**
 * Everything awaiting the approver, one mechanism (core/approvals): a round's results
 * (judging-commands.ts), broadcasts and seminar time changes' notices, each with its own buttons.
 */
async function approvalsReply(deps: StaffDeps, request: StaffRequest): Promise<StaffReply> {
  const command = request.command as Extract<StaffCommand, { name: 'approvals' }>;
  const results = await runJudgingCommand(deps, { ...request, command });
  // Broadcasts and notices on the first page only: the later pages are the results' applications.
  if ((command.page ?? 0) > 0) return results;
  const others = [
    ...(authorize(request.roles, 'broadcasts.approve').allowed ? [await runBroadcastCommand(deps, { ...request, command: { name: 'broadcasts' } })] : []),
    ...(authorize(request.roles, 'seminars.approveNotice').allowed && deps.program.seminars
      ? [await runSeminarCommand(deps, { ...request, command: { name: 'seminarNotices' } })] : []),
  ].filter((reply) => reply.cards);
  if (others.length === 0) return results;
  return {
    cards: [...(results.cards ?? []), ...others.flatMap((r) => r.cards!)].slice(0, 10),
    buttons: [...(results.buttons ?? []), ...others.flatMap((r) => r.buttons ?? [])].slice(0, 25),
  };
}

/** The commands the asker's roles may use, as they are typed. */
function helpReply(request: StaffRequest): StaffReply {
  const { language, roles } = request;
  if (roles.length === 0) return { text: staffText(language, 'denied.no-role') };
  return {
    card: {
      title: staffText(language, 'help.title', { roles: roleNames(language, roles) }),
      description: guideText(roles, language),
      fields: [],
    },
  };
}

/** Receipt numbers for autocomplete; nothing for a member who may not open an application. */
export async function suggestReceipts(deps: StaffDeps, roles: Role[], typed: string): Promise<string[]> {
  if (!authorize(roles, 'applications.viewPlan').allowed) return [];
  return receiptsStartingWith(deps.db, deps.program.contest.id, typed.trim(), 25);
}

async function statsReply(deps: StaffDeps, language: StaffLanguage): Promise<StaffReply> {
  const stats = await collectStats(deps.db, deps.program.contest.id, statsEventOf(deps.program), statsConsultationsOf(deps.program));
  const field = (name: 'applications' | 'participants' | 'outbox', params: Record<string, number>) => ({
    name: staffText(language, `stats.${name}`), value: staffText(language, `stats.values.${name}`, params),
  });
  // People by their latest decision, per purpose (core/stats/collect-stats.ts).
  const consents = Object.keys(stats.consentsGranted!).map((purpose) => staffText(language, 'stats.values.consent', {
    purpose: purposeName(language, purpose), granted: stats.consentsGranted![purpose]!, refused: stats.consentsRefused![purpose] ?? 0,
  }));
  return {
    card: {
      title: staffText(language, 'stats.title'),
      ...(stats.outbox!.failed! > 0 ? { description: staffText(language, 'stats.failedHint') } : {}),
      fields: [
        field('applications', stats.applications!),
        field('participants', stats.participants!),
        { name: staffText(language, 'stats.consents'), value: consents.join('\n') },
        field('outbox', stats.outbox!),
        // The event's totals for every role that sees counts; the breakdown is /event's.
        ...(stats.event ? [{ name: staffText(language, 'stats.event'), value: staffText(language, 'stats.values.event', stats.event) }] : []),
      ],
    },
  };
}

function purposeName(language: StaffLanguage, purpose: string): string {
  return purpose === CONTEST_FLOW_ID ? staffText(language, 'consent.purpose.contest-application') : purpose;
}

/** The list, each application a line that opens it (drafts have no receipt number to open by). */
async function listReply(deps: StaffDeps, language: StaffLanguage, filter: ApplicationFilter): Promise<StaffReply> {
  const { total, applications } = await listApplications(deps.db, deps.program.contest.id, filter, LIST_LIMIT);
  if (total === 0) return { text: staffText(language, 'list.empty') };
  const none = staffText(language, 'none');
  const today = calendarDate(deps.clock(), deps.program.timeZone);
  const submitted = await answersOf(deps.db, deps.sealer, applications.filter((a) => a.status === 'submitted').map((a) => a.id));
  const incomplete = (id: string) => {
    const answers = submitted.get(id);
    return answers !== undefined && missingAnswers(deps.program, today, answers).length > 0;
  };
  const rest = total - applications.length;
  return {
    card: {
      title: staffText(language, 'list.title', { shown: applications.length, total }),
      ...(rest > 0 ? { description: staffText(language, 'list.more', { rest }) } : {}),
      fields: [],
    },
    pick: {
      id: componentId.open,
      placeholder: staffText(language, 'list.pick'),
      items: applications.map((a) => ({
        ...(a.receiptNumber ? { value: a.receiptNumber } : {}),
        label: staffText(language, 'list.item', {
          receipt: a.receiptNumber ?? none,
          status: incomplete(a.id) ? staffText(language, 'status.incomplete') : staffText(language, `status.${a.status}`),
        }),
        description: staffText(language, 'list.itemDetail', {
          municipality: a.municipality ?? none,
          category: a.category ? categoryLabel(deps.program, a.category, language) : none,
          workshop: a.workshopOrigin ? staffText(language, 'list.workshop') : '',
        }),
      })),
    },
  };
}

async function detailReply(deps: StaffDeps, request: StaffRequest, receipt: string): Promise<StaffReply> {
  const { language } = request;
  const normalized = receipt.trim().toUpperCase();
  const application = await findByReceipt(deps.db, deps.sealer, deps.program.contest.id, normalized);
  if (!application) return { text: staffText(language, 'detail.notFound', { receipt: normalized }) };
  const personal = authorize(request.roles, 'applications.viewPersonal').allowed || await judgeSeesApplicant(deps, request, application.id);
  const now = deps.clock();
  const today = calendarDate(now, deps.program.timeZone);
  // The plan document's own state is the field below (from the documents themselves), not the answer "attached / later".
  const documentSteps = new Set(deps.program.contest.questions.filter((q) => q.kind === 'file').map((q) => q.id));
  const columns = answerColumns(deps.program, today, language).filter((c) => (personal || !c.personal) && !documentSteps.has(c.id));
  const cells = answerCells(deps.program, today, application.answers, columns, language);
  const { fields: answerFields, cut } = fitAnswers(columns.map((column, i) => ({ name: column.label, value: cells[i]! })).filter((f) => f.value !== ''));
  // Who looked at which application, and whether they saw who applied (DOMAIN.md §7: find what happened, when, to whom).
  await audit(deps, [{
    actor: request.actor, action: 'application.viewed', entity: 'application', entityId: application.id,
    detail: { receiptNumber: normalized, personal },
  }]);
  const none = staffText(language, 'none');
  return {
    card: {
      title: staffText(language, 'detail.title', { receipt: normalized }),
      description: [personal ? '' : staffText(language, 'detail.personalHidden'), cut ? staffText(language, 'detail.truncated') : '']
        .filter(Boolean).join('\n') || undefined,
      fields: [
        { name: staffText(language, 'detail.status'), value: statusText(deps, application, today, language) },
        { name: staffText(language, 'detail.submittedAt'), value: application.submittedAt ? formatInstant(application.submittedAt.toISOString(), language, deps.program.timeZone) : none },
        { name: staffText(language, 'detail.document'), value: staffText(language, application.hasDocument ? 'detail.document.yes' : 'detail.document.no') },
        ...answerFields,
      ],
    },
    buttons: detailButtons(normalized, application.hasDocument, request.roles, language),
  };
}

/** A submitted application missing an answer the person took back is shown as incomplete, with what is missing. */
function statusText(deps: StaffDeps, application: StaffApplication, today: string, language: StaffLanguage): string {
  const status = staffText(language, `status.${application.status}` as StaffMessageKey);
  if (application.status !== 'submitted') return status;
  const missing = missingAnswers(deps.program, today, application.answers, language);
  return missing.length === 0 ? status : staffText(language, 'detail.incomplete', { status, fields: missing.join('、') });
}

/** Under an application: its plan document, and for a judge the scoring of it. */
function detailButtons(receipt: string, hasDocument: boolean, roles: readonly Role[], language: StaffLanguage): StaffButton[] {
  return [
    ...(hasDocument ? [{ id: componentId.document(receipt), label: staffText(language, 'feed.button.document'), style: 'secondary' as const }] : []),
    ...(authorize(roles, 'judging.score').allowed ? [{ id: componentId.score(receipt, 0), label: staffText(language, 'detail.button.score'), style: 'primary' as const }] : []),
  ];
}

/** The plan document as a file, for roles that may read the plan; every opening is audited. */
async function documentReply(deps: StaffDeps, request: StaffRequest, receipt: string): Promise<StaffReply> {
  const normalized = receipt.trim().toUpperCase();
  const application = await findByReceipt(deps.db, deps.sealer, deps.program.contest.id, normalized);
  if (!application) return { text: staffText(request.language, 'detail.notFound', { receipt: normalized }) };
  const document = await latestDocument(deps.db, deps.sealer, application.id);
  if (!document) return { text: staffText(request.language, 'document.none', { receipt: normalized }) };
  await audit(deps, [{ actor: request.actor, action: 'document.viewed', entity: 'application', entityId: application.id, detail: { receiptNumber: normalized } }]);
  // The applicant's own file name can carry their name: the file is named by receipt instead.
  return { text: staffText(request.language, 'document.file', { receipt: normalized }), file: { name: `${normalized}.pdf`, content: document.content } };
}

/**
 * Answers within Discord's card: each at most ANSWER_CHARS, all within ANSWERS_BUDGET
 * and ANSWER_FIELDS (cut by characters, never inside one); `cut` when anything is shorter
 * or missing, so the card says where the full text is.
 */
function fitAnswers(answers: Array<{ name: string; value: string }>): { fields: Array<{ name: string; value: string }>; cut: boolean } {
  let budget = ANSWERS_BUDGET;
  let cut = answers.length > ANSWER_FIELDS;
  const fields: Array<{ name: string; value: string }> = [];
  for (const answer of answers.slice(0, ANSWER_FIELDS)) {
    const characters = Array.from(answer.value);
    const room = Math.min(ANSWER_CHARS, budget - answer.name.length);
    if (room < 2) {
      cut = true;
      break;
    }
    const value = characters.length > room ? `${characters.slice(0, room - 1).join('')}…` : answer.value;
    if (value !== answer.value) cut = true;
    fields.push({ name: answer.name, value });
    budget -= answer.name.length + Array.from(value).length;
  }
  return { fields, cut };
}

/**
 * A judge on the roster sees who applied only while judging the application in an open
 * round that is not blind and that they are assigned to (the presentation and the final are judged face to face); in a blind round,
 * and outside judging, a judge sees the plan alone.
 */
async function judgeSeesApplicant(deps: StaffDeps, request: StaffRequest, applicationId: string): Promise<boolean> {
  const judge = request.roles.includes('judge') ? judgeOf(deps.program, request.actor) : null;
  if (!judge) return false;
  const open = (await findRounds(deps.db, deps.program.contest.id)).find((r) => r.status === 'open');
  if (!open || !open.judges.includes(judge.id) || deps.program.judging.rounds.find((r) => r.id === open.roundId)?.blind !== false) return false;
  return (await findEntrants(deps.db, deps.program.contest.id, open.roundId)).some((e) => e.applicationId === applicationId);
}

function shouldAuditRefusal(key: string, now: number): boolean {
  const last = lastRefusalAudit.get(key);
  if (last !== undefined && now - last < REFUSAL_AUDIT_WINDOW_MS) return false;
  if (lastRefusalAudit.size > 10_000) lastRefusalAudit.clear();
  lastRefusalAudit.set(key, now);
  return true;
}

function categoryLabel(program: ProgramConfig, value: string, language: StaffLanguage): string {
  const question = program.contest.questions.find((q) => q.indexAs === 'category');
  return question?.choices?.find((c) => c.value === value)?.label[language] ?? value;
}

function audit(deps: StaffDeps, entries: AuditEntry[]): Promise<void> {
  return deps.transact((tx) => appendAudit(tx, entries, deps.clock()));
}
