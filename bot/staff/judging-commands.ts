/**
 * The judging commands of the staff layer: rounds, the scoring form, recusal, progress,
 * the tally and its CSV, decisions, publication and approval, and the audience vote.
 * The permission is checked before these run (staff-commands.ts); the judging service
 * checks state and raises a JudgingRefusal, answered here in the asker's language.
 */
import { stringify } from 'csv-stringify/sync';
import { neutralizeFormula } from '../../core/applications/export-applications.ts';
import { hasDocumentByReceipt } from '../../core/applications/staff-queries.ts';
import { weightedTotal } from '../../core/judging/aggregate.ts';
import { publicationRecipients } from '../../core/judging/publication-recipients.ts';
import type { RoundConfig, RoundId } from '../../core/judging/judging-config.ts';
import { JudgingRefusal } from '../../core/judging/judging-errors.ts';
import { ApprovalRefusal } from '../../core/approvals/approval-errors.ts';
import * as judging from '../../core/judging/judging.service.ts';
import { componentId } from './staff-components.ts';
import { staffText, type StaffLanguage, type StaffMessageKey } from './staff-messages.ts';
import type { StaffCommand, StaffDeps, StaffReply, StaffRequest } from './staff-types.ts';
import { clipCharacters } from '../../core/clip-text.ts';
import { pageButtons } from './page-buttons.ts';

export type JudgingCommand = Exclude<StaffCommand, {
  name: 'stats' | 'applications' | 'application' | 'document' | 'inbox' | 'replyForm' | 'reply' | 'closeHandoff' | 'deliveries' | 'retryDelivery' | 'event' | 'eventRoster' | 'booth' | 'boothNoShow' | 'boothRoster' | 'help'
    | 'seminars' | 'seminar' | 'seminarRoster' | 'seminarMove' | 'seminarForm' | 'changeSeminar' | 'seminarNotices' | 'answerSeminarNotice'
    | 'broadcastForm' | 'draftBroadcast' | 'broadcasts' | 'testBroadcast' | 'answerBroadcast' | 'sendReports';
}>;

/** Discord's modal holds five inputs: four criteria and, on the last page, the comment. */
const CRITERIA_PER_PAGE = 4;
/** Discord's limit for an input's label and a modal's title. */
const LABEL_CHARS = 45;
/** A ranking shows this many lines; the CSV has the rest. */
const RANKING_LINES = 40;
/** An approval lists this many applications a page: one field of Discord's 1,024 characters. */
const APPROVAL_LINES = 20;
/** A sample text on the approval card; several outcomes' samples share Discord's 6,000 characters. */
const SAMPLE_CHARS = 700;

export async function runJudgingCommand(deps: StaffDeps, request: StaffRequest & { command: JudgingCommand }): Promise<StaffReply> {
  try {
    return await judgingReply(deps, request, request.command);
  } catch (error) {
    if (error instanceof JudgingRefusal) {
      const { round, outcome } = error.params;
      const params = {
        ...error.params,
        ...(typeof round === 'string' && round ? { round: roundName(request.language, round as RoundId) } : {}),
        ...(typeof outcome === 'string' ? { outcome: outcomeName(request.language, outcome) } : {}),
      };
      return { text: staffText(request.language, `judging.${error.code}` as StaffMessageKey, params) };
    }
    // The approval's own refusals (the month's LINE quota cannot carry the results) read as for any approval.
    if (error instanceof ApprovalRefusal) return { text: staffText(request.language, `broadcast.refused.${error.code}` as StaffMessageKey, error.params) };
    throw error;
  }
}

async function judgingReply(deps: StaffDeps, request: StaffRequest, command: JudgingCommand): Promise<StaffReply> {
  const { language, actor } = request;
  const t = (key: StaffMessageKey, params: Record<string, string | number> = {}) => staffText(language, key, params);
  const round = async (given?: RoundId) => given ?? judging.currentRound(deps);
  switch (command.name) {
    case 'round': {
      const id = await round(command.round);
      if (command.action === 'open') {
        const opened = await judging.openRound(deps, actor, id);
        const schedule = scheduleLine(deps, language, id);
        return { text: [t('round.opened', { round: roundName(language, id), ...opened }), schedule].filter(Boolean).join('\n') };
      }
      if (command.action === 'close') {
        await judging.closeRound(deps, actor, id);
        return { text: t('round.closed', { round: roundName(language, id) }) };
      }
      return progressReply(deps, request, id);
    }
    case 'progress':
      return progressReply(deps, request, await round(command.round));
    case 'score':
      return command.page === undefined
        ? scoreCard(deps, request, command.receipt.toUpperCase())
        : scoreForm(deps, request, command.receipt.toUpperCase(), command.page);
    case 'saveScores':
      return saveScores(deps, request, command);
    case 'recuse': {
      const receipt = command.receipt.toUpperCase();
      await judging.saveJudgeSheet(deps, actor, { receipt, recused: !command.undo });
      return { text: t(command.undo ? 'recuse.undone' : 'recuse.done', { receipt }) };
    }
    case 'ranking':
      return rankingReply(deps, language, await round(command.round));
    case 'scores': {
      const id = await round(command.round);
      const { header, rows } = await judging.scoreRows(deps, id);
      if (rows.length === 0) return { text: t('scores.empty') };
      await judging.auditScoresExport(deps, actor, id, rows.length);
      // UTF-8 with a BOM for Excel, and comments can never run as formulas.
      const content = `\uFEFF${stringify([header, ...rows.map((row) => row.map(neutralizeFormula))], { record_delimiter: '\r\n' })}`;
      return { text: t('scores.file', { round: roundName(language, id), rows: rows.length }), file: { name: `scores-${id}.csv`, content } };
    }
    case 'decide': {
      const id = await round(command.round);
      const receipt = command.receipt.toUpperCase();
      await judging.markDecision(deps, actor, id, receipt, command.outcome);
      return { text: t('decision.marked', { receipt, outcome: outcomeName(language, command.outcome) }) };
    }
    case 'decideByRanking': {
      const { marked, undecided } = await judging.decideByRanking(deps, actor, await round(command.round));
      return { text: t('decision.byRanking', { count: marked, undecided: undecided.length ? t('decision.byRanking.undecided', { receipts: undecided.join(', ') }) : '' }).trim() };
    }
    case 'publish': {
      const id = await round(command.round);
      const summary = await judging.publishDecisions(deps, actor, id);
      return { text: t('publish.done', { round: roundName(language, id), messages: summary.messages }) };
    }
    case 'approvals':
      return approvalsReply(deps, language, command.page ?? 0);
    case 'answer': {
      const { released } = await judging.answerPublication(deps, { actor, roles: request.roles }, command.publicationId, command.approve);
      // Straight to the queue; if that fails, the worker's sweep finds the rows within its interval.
      await deps.release?.(released).catch(() => undefined);
      return { text: command.approve ? t('approvals.approved', { released: released.length }) : t('approvals.rejected') };
    }
    case 'votes': {
      const receipt = command.receipt.toUpperCase();
      await judging.recordVotes(deps, actor, receipt, command.votes);
      return { text: t('votes.recorded', { receipt, votes: command.votes }) };
    }
  }
}

async function progressReply(deps: StaffDeps, request: StaffRequest, roundId: RoundId): Promise<StaffReply> {
  const { language } = request;
  const progress = await judging.roundProgress(deps, roundId);
  const me = judging.judgeOf(deps.program, request.actor);
  const mine = me ? progress.judges.find((j) => j.judge.id === me.id) : undefined;
  const lines = progress.judges.map((j) => staffText(language, 'progress.line', {
    judge: j.judge.name, scored: j.scored, recused: j.recused, remaining: j.remaining.length,
  }));
  const own = mine ? [mine.remaining.length === 0 ? staffText(language, 'progress.allDone') : staffText(language, 'progress.mine', { receipts: clipCharacters(mine.remaining.join(', '), 900) })] : [];
  return {
    card: {
      title: staffText(language, 'progress.title', {
        round: roundName(language, roundId), status: staffText(language, `round.status.${progress.status}`), entrants: progress.entrants,
      }),
      description: [scheduleLine(deps, language, roundId), ...lines, ...(own.length ? ['', ...own] : [])].filter((l) => l !== null).join('\n'),
      fields: [],
    },
  };
}

/** When the round is scheduled to be scored, from the configuration; null when it names no dates. */
function scheduleLine(deps: StaffDeps, language: StaffLanguage, roundId: RoundId): string | null {
  const schedule = judging.roundConfig(deps.program, roundId).schedule;
  return schedule ? staffText(language, 'round.schedule', { opens: schedule.opens, closes: schedule.closes }) : null;
}

/**
 * What a judge reads before scoring: the round's criteria with their weights and scales
 * (a Discord form has no room to explain them), what they entered so far, and the ways to
 * the plan. The form itself opens from its button.
 */
async function scoreCard(deps: StaffDeps, request: StaffRequest, receipt: string): Promise<StaffReply> {
  const { language } = request;
  const sheet = await judging.judgeSheet(deps, request.actor, receipt);
  const round = sheet.round;
  const pages = pagesOf(round);
  const max = round.criteria.reduce((sum, c) => sum + c.weight, 0);
  const hasDocument = await hasDocumentByReceipt(deps.db, deps.program.contest.id, receipt);
  const criteria = round.criteria.map((c) => staffText(language, 'score.card.criterion', {
    name: c.name[language], weight: c.weight, min: c.scale.min, max: c.scale.max,
    mine: sheet.scores[c.id] === undefined ? '' : staffText(language, 'score.card.mine', { score: sheet.scores[c.id]! }),
  }));
  return {
    card: {
      title: staffText(language, 'score.card.title', { receipt, round: roundName(language, round.id as RoundId) }),
      description: [staffText(language, 'score.card.criteria'), ...criteria.map((line) => `・${line}`), '',
        staffText(language, 'score.card.how', { max }), staffText(language, 'score.card.comment')].join('\n'),
      fields: [],
    },
    buttons: [
      { id: componentId.score(receipt, 0), label: staffText(language, 'score.button.open', { page: 1, pages: pages.length }), style: 'primary' },
      { id: componentId.detail(receipt), label: staffText(language, 'score.button.plan'), style: 'secondary' },
      ...(hasDocument ? [{ id: componentId.document(receipt), label: staffText(language, 'feed.button.document'), style: 'secondary' as const }] : []),
    ],
  };
}

/** The scoring form: a page of at most four criteria, prefilled with the judge's sheet; the comment on the last page. */
async function scoreForm(deps: StaffDeps, request: StaffRequest, receipt: string, page: number): Promise<StaffReply> {
  const { language } = request;
  const sheet = await judging.judgeSheet(deps, request.actor, receipt);
  const pages = pagesOf(sheet.round);
  const at = Math.min(page, pages.length - 1);
  const last = at === pages.length - 1;
  return {
    modal: {
      id: componentId.sheet(receipt, at),
      title: clipCharacters(staffText(language, 'score.title', { receipt, page: at + 1, pages: pages.length }), LABEL_CHARS),
      inputs: [
        ...pages[at]!.map((c) => ({
          id: c.id,
          label: clipCharacters(staffText(language, 'score.input', { name: c.name[language], min: c.scale.min, max: c.scale.max, weight: c.weight }), LABEL_CHARS),
          ...(sheet.scores[c.id] === undefined ? {} : { value: String(sheet.scores[c.id]) }),
          placeholder: `${c.scale.min}–${c.scale.max}`,
          required: true, multiline: false, maxLength: 3,
        })),
        ...(last ? [{ id: 'comment', label: staffText(language, 'score.comment'), ...(sheet.comment ? { value: sheet.comment } : {}), required: false, multiline: true, maxLength: 1000 }] : []),
      ],
    },
  };
}

async function saveScores(deps: StaffDeps, request: StaffRequest, command: Extract<StaffCommand, { name: 'saveScores' }>): Promise<StaffReply> {
  const { language } = request;
  const receipt = command.receipt.toUpperCase();
  const { comment, ...typed } = command.values;
  const scores: Record<string, number> = {};
  for (const [id, value] of Object.entries(typed)) {
    const normalized = value.normalize('NFKC').trim();
    if (normalized === '') continue;
    // Not a whole number: the service refuses it with the criterion's name and scale.
    scores[id] = /^-?\d+$/.test(normalized) ? Number(normalized) : Number.NaN;
  }
  const saved = await judging.saveJudgeSheet(deps, request.actor, { receipt, scores, ...(comment === undefined ? {} : { comment }) });
  const round = judging.roundConfig(deps.program, saved.roundId);
  const pages = pagesOf(round);
  const next = command.page + 1;
  if (!saved.complete && next < pages.length) {
    return {
      text: staffText(language, 'score.savedIncomplete', { receipt, page: command.page + 1, pages: pages.length }),
      buttons: [{ id: componentId.score(receipt, next), label: staffText(language, 'score.next', { page: next + 1, pages: pages.length }), style: 'primary' }],
    };
  }
  const sheet = await judging.judgeSheet(deps, request.actor, receipt);
  const total = weightedTotal(round, sheet.scores);
  const max = round.criteria.reduce((sum, c) => sum + c.weight, 0);
  return {
    text: [staffText(language, 'score.saved', { receipt }), total === null ? '' : staffText(language, 'score.total', { total: total.toFixed(1), max })].filter(Boolean).join('\n'),
    ...(total === null ? { buttons: [{ id: componentId.score(receipt, 0), label: staffText(language, 'score.next', { page: 1, pages: pages.length }), style: 'primary' as const }] } : {}),
  };
}

async function rankingReply(deps: StaffDeps, language: StaffLanguage, roundId: RoundId): Promise<StaffReply> {
  const ranking = await judging.roundRanking(deps, roundId);
  const scale = (score: number) => (roundId === 'final' ? (score * 100).toFixed(1) : score.toFixed(1));
  const lines = ranking.entrants.slice(0, RANKING_LINES).map((e) => (e.rank === null
    ? staffText(language, 'ranking.unscored', { receipt: e.receipt })
    : staffText(language, 'ranking.line', {
      rank: e.rank, tie: e.tied ? staffText(language, 'ranking.tie') : '', receipt: e.receipt, score: scale(e.score!),
      votes: e.votes === undefined ? '' : staffText(language, 'ranking.votes', { votes: e.votes }),
      missing: e.missing ? staffText(language, 'ranking.missing', { missing: e.missing }) : '',
      decision: e.decision ? ` ・ ${outcomeName(language, e.decision.outcome)}（${staffText(language, `decision.status.${e.decision.status}`)}）` : '',
    })));
  const rest = ranking.entrants.length - lines.length;
  const footer = [
    staffText(language, 'ranking.line.pass', {
      passing: ranking.passing.length,
      undecided: ranking.undecided.length ? staffText(language, 'ranking.line.undecided', { receipts: ranking.undecided.join(', ') }) : '',
    }),
    ...(ranking.provisional ? [staffText(language, 'ranking.provisional')] : []),
    ...(rest > 0 ? [staffText(language, 'ranking.more', { rest })] : []),
  ];
  return {
    card: {
      title: staffText(language, 'ranking.title', { round: roundName(language, roundId), max: roundId === 'final' ? 100 : ranking.maxPoints }),
      description: clipCharacters([...lines, '', ...footer].join('\n'), 4000),
      fields: [],
    },
  };
}

/**
 * Each publication awaiting approval: who drafted it, every application it writes to with
 * its outcome (a page at a time), the counts, and one sample text per outcome. Only
 * receipt numbers and outcomes: nothing more about the people, whatever the role.
 */
async function approvalsReply(deps: StaffDeps, language: StaffLanguage, page: number): Promise<StaffReply> {
  const awaiting = await judging.awaitingPublications(deps);
  if (awaiting.length === 0) return { text: staffText(language, 'approvals.none') };
  const offset = page * APPROVAL_LINES;
  const lists = await Promise.all(awaiting.map((p) => publicationRecipients(deps.db, p.id, { offset, limit: APPROVAL_LINES })));
  const more = lists.some((l) => offset + l.recipients.length < l.total);
  return {
    cards: awaiting.map((p, i) => {
      const { total, recipients } = lists[i]!;
      const lines = recipients.map((r) => staffText(language, 'approvals.line', {
        receipt: r.receipt, outcome: outcomeName(language, r.outcome),
        note: r.withdrawn ? staffText(language, 'approvals.withdrawn') : r.message ? '' : staffText(language, 'approvals.noMessage'),
      }));
      return {
        title: staffText(language, 'approvals.title', { round: roundName(language, p.roundId), messages: p.messages }),
        fields: [
          { name: staffText(language, 'approvals.draftedBy'), value: p.draftedBy },
          { name: staffText(language, 'approvals.outcomes'), value: Object.entries(p.outcomes).map(([o, n]) => `${outcomeName(language, o)} ${n}`).join(' ・ ') },
          {
            name: staffText(language, 'approvals.list', { from: recipients.length ? offset + 1 : 0, to: offset + recipients.length, total }),
            value: lines.join('\n') || staffText(language, 'none'),
          },
          ...p.samples.map((s) => ({ name: staffText(language, 'approvals.sample', { outcome: outcomeName(language, s.outcome) }), value: clipCharacters(s.text, SAMPLE_CHARS) })),
        ],
      };
    }),
    buttons: [
      ...awaiting.flatMap((p) => [
        { id: componentId.approve(p.id), label: clipCharacters(`${staffText(language, 'approvals.approve')}（${roundName(language, p.roundId)}）`, 80), style: 'success' as const },
        { id: componentId.reject(p.id), label: clipCharacters(`${staffText(language, 'approvals.reject')}（${roundName(language, p.roundId)}）`, 80), style: 'danger' as const },
      ]),
      ...pageButtons(language, page, more, componentId.approvals),
    ],
  };
}

function pagesOf(round: RoundConfig): Array<RoundConfig['criteria']> {
  const pages: Array<RoundConfig['criteria']> = [];
  for (let i = 0; i < round.criteria.length; i += CRITERIA_PER_PAGE) pages.push(round.criteria.slice(i, i + CRITERIA_PER_PAGE));
  return pages;
}

/** A round as staff read it; an id not in the catalog as it is. */
export function roundName(language: StaffLanguage, roundId: RoundId): string {
  return ['document', 'presentation', 'final'].includes(roundId) ? staffText(language, `round.${roundId}`) : roundId;
}

function outcomeName(language: StaffLanguage, outcome: string): string {
  return ['pass', 'fail', 'grand', 'excellence', 'none'].includes(outcome) ? staffText(language, `outcome.${outcome}` as StaffMessageKey) : outcome;
}

