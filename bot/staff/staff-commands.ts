/**
 * The staff command layer, whatever the channel: Discord slash commands today, the
 * console's staff panel later. A request names who asks (with their ouen roles) and
 * what; the layer checks the permission on the server, audits refusals and every view
 * of an application, and answers with channel-neutral content that an adapter renders
 * (bot/discord/).
 */
import { calendarDate, formatInstant } from '../../flows/engine/dates.ts';
import type { ProgramConfig } from '../../flows/program.ts';
import { answerCells, answerColumns } from '../../core/applications/answer-display.ts';
import { findByReceipt, latestDocument, listApplications, receiptsStartingWith, type ApplicationFilter } from '../../core/applications/staff-queries.ts';
import { appendAudit, type AuditEntry } from '../../core/audit/audit-log.ts';
import type pg from 'pg';
import { sqlDb, transactOn } from '../../core/db/pg-transaction.ts';
import { findEntrants, findRounds } from '../../core/judging/judging.repository.ts';
import { judgeOf } from '../../core/judging/judging.service.ts';
import { authorize, denialAudit, type Action, type Role } from '../../core/staff/permissions.ts';
import { collectStats } from '../../core/stats/collect-stats.ts';
import { runInboxCommand } from './inbox-commands.ts';
import { runJudgingCommand, type JudgingCommand } from './judging-commands.ts';
import { staffText, type StaffLanguage } from './staff-messages.ts';
import type { StaffCommand, StaffDeps, StaffReply, StaffRequest } from './staff-types.ts';

export type { StaffCommand, StaffDeps, StaffReply, StaffRequest } from './staff-types.ts';

/** Staff commands on a pool of their own: staff lookups must never make webhook writes wait for a connection. */
export function staffDepsOn(pool: pg.Pool, context: Omit<StaffDeps, 'db' | 'transact'>): StaffDeps {
  return { db: sqlDb(pool), transact: transactOn(pool), ...context };
}

const permissions: Record<StaffCommand['name'], Action> = {
  stats: 'stats.view',
  applications: 'applications.list',
  application: 'applications.viewPlan',
  document: 'applications.viewPlan',
  round: 'judging.manageRounds',
  score: 'judging.score',
  saveScores: 'judging.score',
  recuse: 'judging.score',
  progress: 'judging.progress',
  ranking: 'judging.tally',
  scores: 'judging.tally',
  decide: 'decisions.mark',
  decideByRanking: 'decisions.mark',
  publish: 'decisions.publish',
  approvals: 'decisions.approve',
  answer: 'decisions.approve',
  votes: 'judging.manageRounds',
  inbox: 'inbox.reply',
  replyForm: 'inbox.reply',
  reply: 'inbox.reply',
  closeHandoff: 'inbox.reply',
};

/** The action a command needs; a round's status is progress, which judges may see too. */
function permissionFor(command: StaffCommand): Action {
  return command.name === 'round' && command.action === 'status' ? 'judging.progress' : permissions[command.name];
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
  const action = permissionFor(request.command);
  const decision = authorize(request.roles, action);
  if (!decision.allowed) {
    if (shouldAuditRefusal(`${request.actor} ${action}`, deps.clock().getTime())) await audit(deps, [denialAudit(request.actor, action, decision.reason)]);
    return { text: staffText(request.language, `denied.${decision.reason}`) };
  }
  switch (request.command.name) {
    case 'stats': return statsReply(deps, request.language);
    case 'applications': return listReply(deps, request.language, request.command.filter);
    case 'application': return detailReply(deps, request, request.command.receipt);
    case 'document': return documentReply(deps, request, request.command.receipt);
    case 'inbox':
    case 'replyForm':
    case 'reply':
    case 'closeHandoff':
      return runInboxCommand(deps, { ...request, command: request.command });
    default: return runJudgingCommand(deps, { ...request, command: request.command as JudgingCommand });
  }
}

/** Receipt numbers for autocomplete; nothing for a member who may not open an application. */
export async function suggestReceipts(deps: StaffDeps, roles: Role[], typed: string): Promise<string[]> {
  if (!authorize(roles, permissions.application).allowed) return [];
  return receiptsStartingWith(deps.db, deps.program.contest.id, typed.trim(), 25);
}

async function statsReply(deps: StaffDeps, language: StaffLanguage): Promise<StaffReply> {
  const stats = await collectStats(deps.db, deps.program.contest.id);
  const field = (name: 'applications' | 'participants' | 'outbox', params: Record<string, number>) => ({
    name: staffText(language, `stats.${name}`), value: staffText(language, `stats.values.${name}`, params),
  });
  return {
    card: {
      title: staffText(language, 'stats.title'),
      fields: [
        field('applications', stats.applications!),
        field('participants', { ...stats.participants!, ...stats.consents! }),
        field('outbox', stats.outbox!),
      ],
    },
  };
}

async function listReply(deps: StaffDeps, language: StaffLanguage, filter: ApplicationFilter): Promise<StaffReply> {
  const { total, applications } = await listApplications(deps.db, deps.program.contest.id, filter, LIST_LIMIT);
  if (total === 0) return { text: staffText(language, 'list.empty') };
  const none = staffText(language, 'none');
  const lines = applications.map((a) => staffText(language, 'list.line', {
    receipt: a.receiptNumber ?? none,
    status: staffText(language, `status.${a.status}`),
    municipality: a.municipality ?? none,
    category: a.category ? categoryLabel(deps.program, a.category, language) : none,
    workshop: a.workshopOrigin ? staffText(language, 'list.workshop') : '',
  }));
  const rest = total - applications.length;
  return {
    card: {
      title: staffText(language, 'list.title', { shown: applications.length, total }),
      description: [...lines, ...(rest > 0 ? ['', staffText(language, 'list.more', { rest })] : [])].join('\n'),
      fields: [],
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
  const columns = answerColumns(deps.program, today, language).filter((c) => personal || !c.personal);
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
        { name: staffText(language, 'detail.status'), value: staffText(language, `status.${application.status}`) },
        { name: staffText(language, 'detail.submittedAt'), value: application.submittedAt ? formatInstant(application.submittedAt.toISOString(), language, deps.program.timeZone) : none },
        { name: staffText(language, 'detail.document'), value: staffText(language, application.hasDocument ? 'detail.document.yes' : 'detail.document.no') },
        ...answerFields,
      ],
    },
  };
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
