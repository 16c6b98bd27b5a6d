/**
 * Running the three judging rounds (DOMAIN.md §1): open and close a round, judges score
 * and recuse while it is open, staff decide once it is closed, and publishing turns the
 * decisions into messages held in the outbox under an approval (core/approvals) until an
 * approver releases them
 * (DOMAIN.md §5: nothing reaches applicants without the prefecture's sign-off).
 *
 * Every change runs in one transaction that first takes the contest's judging lock, so
 * two staff members cannot interleave; a refusal (JudgingRefusal) is raised before
 * anything is written. Permissions (who may ask) are checked by the caller; this module
 * checks the rest: which judge, which round, which state.
 */
import { containsMyNumber } from '../../flows/validators/my-number.ts';
import { randomUUID } from 'node:crypto';
import type { Language } from '../../flows/index.ts';
import { appendAudit, type AuditEntry } from '../audit/audit-log.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type { SqlClient, Transact } from '../db/types.ts';
import { createOutboxRows, type NewOutboxRow } from '../outbox/outbox.repository.ts';
import { literalText } from '../outbox/outbox-content.ts';
import { createSend } from '../outbox/sends.repository.ts';
import type { Program } from '../program/load-program.ts';
import type { Role } from '../staff/permissions.ts';
import { ApprovalRefusal } from '../approvals/approval-errors.ts';
import { heldRecipients, insertApproval } from '../approvals/approval.repository.ts';
import { answerApproval } from '../approvals/approval.service.ts';
import { refuseOverQuota, type QuotaSource } from '../approvals/message-quota.ts';
import { passLine, tallyFinal, tallyRound, weightedTotal, type RoundTally } from './aggregate.ts';
import { OUTCOMES, PRIZES, ROUND_ORDER, roundJudges, type Judge, type Outcome, type RoundConfig, type RoundId } from './judging-config.ts';
import { JudgingRefusal } from './judging-errors.ts';
import * as repo from './judging.repository.ts';

export interface JudgingDeps {
  db: SqlClient;
  transact: Transact;
  sealer: Sealer;
  program: Program;
  clock: () => Date;
  /** The month's LINE quota: approving results the quota cannot carry is refused. */
  quota?: QuotaSource;
}

export const commentContext = (roundId: RoundId, applicationId: string, judgeId: string) => `judging-comment:${roundId}:${applicationId}:${judgeId}`;

export function roundConfig(program: Program, roundId: string): RoundConfig {
  const round = program.judging.rounds.find((r) => r.id === roundId);
  if (!round) throw new JudgingRefusal('unknownRound', { round: roundId });
  return round;
}

/** The roster judge an actor scores as: a Discord account on the roster, or a roster id in the console. */
export function judgeOf(program: Program, actor: string): Judge | null {
  const [channel, id] = actor.split(':', 2) as [string, string | undefined];
  if (!id) return null;
  if (channel === 'discord') return program.judging.judges.find((j) => j.discordUserId === id) ?? null;
  if (channel === 'console') return program.judging.judges.find((j) => j.id === id) ?? null;
  return null;
}

/** The round staff mean when they name none: the open one, else the latest opened. */
export async function currentRound(deps: JudgingDeps): Promise<RoundId> {
  const rounds = await repo.findRounds(deps.db, deps.program.contest.id);
  const open = rounds.find((r) => r.status === 'open');
  if (open) return open.roundId;
  const latest = [...ROUND_ORDER].reverse().find((id) => rounds.some((r) => r.roundId === id));
  if (!latest) throw new JudgingRefusal('noRound');
  return latest;
}

// ---- Rounds ----

export async function openRound(deps: JudgingDeps, actor: string, roundId: RoundId): Promise<{ entrants: number; judges: number }> {
  const round = roundConfig(deps.program, roundId);
  const contestId = deps.program.contest.id;
  const now = deps.clock();
  return deps.transact(async (tx) => {
    const rounds = await repo.lockRounds(tx, contestId);
    const row = rounds.find((r) => r.roundId === roundId);
    if (row?.status === 'open') throw new JudgingRefusal('roundAlreadyOpen', { round: roundId });
    const other = rounds.find((r) => r.status === 'open');
    if (other) throw new JudgingRefusal('anotherRoundOpen', { round: other.roundId });
    if (row && (await repo.findDecisions(tx, contestId, roundId)).some((d) => d.status !== 'pending')) {
      throw new JudgingRefusal('roundHasPublished', { round: roundId });
    }
    const index = ROUND_ORDER.indexOf(roundId);
    if (index === 0 && now < new Date(deps.program.contest.deadline)) throw new JudgingRefusal('beforeDeadline');
    if (index > 0) {
      const previous = ROUND_ORDER[index - 1]!;
      if (rounds.find((r) => r.roundId === previous)?.status !== 'closed') throw new JudgingRefusal('previousRoundOpen', { round: previous });
      const entrantsBefore = await repo.findEntrants(tx, contestId, previous);
      const decisions = new Map((await repo.findDecisions(tx, contestId, previous)).map((d) => [d.applicationId, d]));
      if (entrantsBefore.some((e) => decisions.get(e.applicationId)?.status !== 'published')) {
        throw new JudgingRefusal('previousNotPublished', { round: previous });
      }
    }
    const judges = roundJudges(deps.program.judging, round);
    const entrants = await repo.findEntrants(tx, contestId, roundId);
    // Reopened for more scoring: results marked from the old scores are stale.
    if (row) await repo.clearPendingDecisions(tx, contestId, roundId);
    await repo.openRoundRow(tx, contestId, roundId, judges, actor, now);
    await appendAudit(tx, [{ actor, action: 'round.opened', entity: 'round', entityId: `${contestId}:${roundId}`, detail: { judges, entrants: entrants.length } }], now);
    return { entrants: entrants.length, judges: judges.length };
  });
}

export async function closeRound(deps: JudgingDeps, actor: string, roundId: RoundId): Promise<void> {
  roundConfig(deps.program, roundId);
  const contestId = deps.program.contest.id;
  const now = deps.clock();
  await deps.transact(async (tx) => {
    const rounds = await repo.lockRounds(tx, contestId);
    if (rounds.find((r) => r.roundId === roundId)?.status !== 'open') throw new JudgingRefusal('roundNotOpen', { round: roundId });
    await repo.closeRoundRow(tx, contestId, roundId, actor, now);
    await appendAudit(tx, [{ actor, action: 'round.closed', entity: 'round', entityId: `${contestId}:${roundId}` }], now);
  });
}

// ---- Scoring ----

export interface SheetChange {
  receipt: string;
  /** Criterion id → score; criteria not named keep what the sheet had (modals come a page at a time). */
  scores?: Record<string, number>;
  /** A new comment; undefined keeps the old one, '' clears it. */
  comment?: string;
  recused?: boolean;
}

/** Saves a judge's sheet (or their recusal) in the open round; returns the sheet as saved. */
export async function saveJudgeSheet(deps: JudgingDeps, actor: string, change: SheetChange): Promise<{ roundId: RoundId; complete: boolean; recused: boolean }> {
  const contestId = deps.program.contest.id;
  const now = deps.clock();
  const judge = judgeOf(deps.program, actor);
  if (!judge) throw new JudgingRefusal('notAJudge');
  if (change.comment !== undefined && containsMyNumber(change.comment)) throw new JudgingRefusal('myNumber');
  return deps.transact(async (tx) => {
    const rounds = await repo.lockRounds(tx, contestId);
    const open = rounds.find((r) => r.status === 'open');
    if (!open) throw new JudgingRefusal('roundNotOpen', { round: '' });
    if (!open.judges.includes(judge.id)) throw new JudgingRefusal('notAssigned', { round: open.roundId });
    const round = roundConfig(deps.program, open.roundId);
    const entrant = (await repo.findEntrants(tx, contestId, open.roundId)).find((e) => e.receiptNumber === change.receipt);
    if (!entrant) throw new JudgingRefusal('notInRound', { receipt: change.receipt, round: open.roundId });
    const before = await repo.findSheet(tx, contestId, open.roundId, entrant.applicationId, judge.id);
    const recused = change.recused ?? before?.recused ?? false;
    if (recused && change.recused === undefined) throw new JudgingRefusal('recused', { receipt: change.receipt });
    const scores = { ...(before?.scores ?? {}), ...checkedScores(round, change.scores ?? {}) };
    const context = commentContext(open.roundId, entrant.applicationId, judge.id);
    const commentSealed = change.comment === undefined ? before?.commentSealed ?? null
      : change.comment.trim() === '' ? null : deps.sealer.seal(change.comment.trim(), context);
    await repo.saveSheet(tx, contestId, open.roundId, { applicationId: entrant.applicationId, judgeId: judge.id, scores, commentSealed, recused }, now);
    const complete = round.criteria.every((c) => scores[c.id] !== undefined);
    await appendAudit(tx, [{
      actor, action: change.recused === undefined ? 'score.saved' : change.recused ? 'score.recused' : 'score.unrecused',
      entity: 'application', entityId: entrant.applicationId,
      detail: { round: open.roundId, judge: judge.id, criteria: Object.keys(change.scores ?? {}), complete },
    }], now);
    return { roundId: open.roundId, complete, recused };
  });
}

function checkedScores(round: RoundConfig, scores: Record<string, number>): Record<string, number> {
  for (const [id, value] of Object.entries(scores)) {
    const criterion = round.criteria.find((c) => c.id === id);
    if (!criterion) throw new JudgingRefusal('unknownCriterion', { criterion: id });
    if (!Number.isInteger(value) || value < criterion.scale.min || value > criterion.scale.max) {
      throw new JudgingRefusal('badScore', { criterion: criterion.name.ja, min: criterion.scale.min, max: criterion.scale.max });
    }
  }
  return scores;
}

/** A judge's own sheet for an application in the open round, to prefill a form. */
export async function judgeSheet(deps: JudgingDeps, actor: string, receipt: string): Promise<{ round: RoundConfig; scores: Record<string, number>; comment: string; recused: boolean }> {
  const contestId = deps.program.contest.id;
  const judge = judgeOf(deps.program, actor);
  if (!judge) throw new JudgingRefusal('notAJudge');
  const open = (await repo.findRounds(deps.db, contestId)).find((r) => r.status === 'open');
  if (!open) throw new JudgingRefusal('roundNotOpen', { round: '' });
  if (!open.judges.includes(judge.id)) throw new JudgingRefusal('notAssigned', { round: open.roundId });
  const entrant = (await repo.findEntrants(deps.db, contestId, open.roundId)).find((e) => e.receiptNumber === receipt);
  if (!entrant) throw new JudgingRefusal('notInRound', { receipt, round: open.roundId });
  const sheet = await repo.findSheet(deps.db, contestId, open.roundId, entrant.applicationId, judge.id);
  if (sheet?.recused) throw new JudgingRefusal('recused', { receipt });
  const comment = sheet?.commentSealed ? deps.sealer.open(sheet.commentSealed, commentContext(open.roundId, entrant.applicationId, judge.id)) : '';
  return { round: roundConfig(deps.program, open.roundId), scores: sheet?.scores ?? {}, comment, recused: false };
}

// ---- Progress and tally ----

export interface JudgeProgress {
  judge: Judge;
  /** Complete sheets, recusals, and what is left, of `entrants`. */
  scored: number;
  recused: number;
  remaining: string[];
}

export async function roundProgress(deps: JudgingDeps, roundId: RoundId): Promise<{ status: 'open' | 'closed' | 'notOpened'; entrants: number; judges: JudgeProgress[] }> {
  const round = roundConfig(deps.program, roundId);
  const contestId = deps.program.contest.id;
  const row = (await repo.findRounds(deps.db, contestId)).find((r) => r.roundId === roundId);
  const judgeIds = row?.judges ?? roundJudges(deps.program.judging, round);
  const [entrants, sheets] = await Promise.all([repo.findEntrants(deps.db, contestId, roundId), repo.findSheets(deps.db, contestId, roundId)]);
  const judges = judgeIds.map((id): JudgeProgress => {
    const judge = deps.program.judging.judges.find((j) => j.id === id) ?? { id, name: id };
    const mine = new Map(sheets.filter((s) => s.judgeId === id).map((s) => [s.applicationId, s]));
    let scored = 0;
    let recused = 0;
    const remaining: string[] = [];
    for (const entrant of entrants) {
      const sheet = mine.get(entrant.applicationId);
      if (sheet?.recused) recused += 1;
      else if (sheet && round.criteria.every((c) => sheet.scores[c.id] !== undefined)) scored += 1;
      else remaining.push(entrant.receiptNumber);
    }
    return { judge, scored, recused, remaining };
  });
  return { status: row?.status ?? 'notOpened', entrants: entrants.length, judges };
}

export interface RankedEntrant {
  receipt: string;
  applicationId: string;
  score: number | null;
  rank: number | null;
  tied: boolean;
  missing: number;
  recused: number;
  votes?: number;
  decision?: { outcome: Outcome; status: 'pending' | 'awaiting' | 'published' };
}

export interface RoundRanking {
  round: RoundConfig;
  maxPoints: number;
  entrants: RankedEntrant[];
  /** Where the pass line falls (the final: the three prizes). */
  passing: string[];
  undecided: string[];
  provisional: boolean;
}

/** The round's tally with receipt numbers, decisions and the pass line. */
export async function roundRanking(deps: JudgingDeps, roundId: RoundId, db: SqlClient = deps.db): Promise<RoundRanking> {
  const round = roundConfig(deps.program, roundId);
  const contestId = deps.program.contest.id;
  const row = (await repo.findRounds(db, contestId)).find((r) => r.roundId === roundId);
  const judgeIds = row?.judges ?? roundJudges(deps.program.judging, round);
  // One after another: `db` can be a transaction, whose one connection takes one statement at a time.
  const entrants = await repo.findEntrants(db, contestId, roundId);
  const sheets = await repo.findSheets(db, contestId, roundId);
  const decisions = await repo.findDecisions(db, contestId, roundId);
  const inRound = new Set(entrants.map((e) => e.applicationId));
  const assigned = new Map(entrants.map((e) => [e.applicationId, judgeIds]));
  // A sheet from a judge no longer assigned, or for an application that has left the round, does not count.
  const counted = sheets.filter((s) => inRound.has(s.applicationId) && judgeIds.includes(s.judgeId))
    .map((s) => ({ judgeId: s.judgeId, applicationId: s.applicationId, scores: s.scores, recused: s.recused }));
  let tally: RoundTally = tallyRound(round, assigned, counted);
  let votes: Map<string, number> | undefined;
  if (roundId === 'final') {
    votes = await repo.findVotes(db, contestId);
    tally = tallyFinal(round, tally, votes);
  }
  const receipts = new Map(entrants.map((e) => [e.applicationId, e.receiptNumber]));
  const decided = new Map(decisions.map((d) => [d.applicationId, d]));
  const line = passLine(tally, round.passCount);
  const receiptOf = (id: string) => receipts.get(id)!;
  return {
    round,
    maxPoints: tally.maxPoints,
    entrants: tally.applications.map((a) => {
      const decision = decided.get(a.applicationId);
      return {
        receipt: receiptOf(a.applicationId), applicationId: a.applicationId, score: a.score, rank: a.rank, tied: a.tied,
        missing: a.missing.length, recused: a.recused.length,
        ...(votes ? { votes: votes.get(a.applicationId) ?? 0 } : {}),
        ...(decision ? { decision: { outcome: decision.outcome, status: decision.status } } : {}),
      };
    }),
    passing: line.passing.map(receiptOf),
    undecided: line.undecided.map(receiptOf),
    provisional: line.provisional,
  };
}

/** Every sheet of a round as CSV rows (comments opened): staff's record of the judging. */
export async function scoreRows(deps: JudgingDeps, roundId: RoundId): Promise<{ header: string[]; rows: string[][] }> {
  const round = roundConfig(deps.program, roundId);
  const contestId = deps.program.contest.id;
  const [entrants, sheets] = await Promise.all([repo.findEntrants(deps.db, contestId, roundId), repo.findSheets(deps.db, contestId, roundId)]);
  const receipts = new Map(entrants.map((e) => [e.applicationId, e.receiptNumber]));
  const names = new Map(deps.program.judging.judges.map((j) => [j.id, j.name]));
  const header = ['round', 'receipt', 'judge', 'judgeName', 'recused', ...round.criteria.map((c) => c.id), 'total', 'comment'];
  const rows = sheets
    .filter((s) => receipts.has(s.applicationId))
    .map((s) => {
      const complete = round.criteria.every((c) => s.scores[c.id] !== undefined);
      const total = complete && !s.recused ? weightedTotal(round, s.scores)!.toFixed(2) : '';
      const comment = s.commentSealed ? deps.sealer.open(s.commentSealed, commentContext(roundId, s.applicationId, s.judgeId)) : '';
      return [roundId, receipts.get(s.applicationId)!, s.judgeId, names.get(s.judgeId) ?? s.judgeId, s.recused ? 'yes' : 'no',
        ...round.criteria.map((c) => (s.scores[c.id] === undefined ? '' : String(s.scores[c.id]))), total, comment];
    })
    .sort((a, b) => (a[1]! + a[2]!).localeCompare(b[1]! + b[2]!));
  return { header, rows };
}

/** The scores CSV holds judges' comments: who took it is recorded. */
export async function auditScoresExport(deps: JudgingDeps, actor: string, roundId: RoundId, rows: number): Promise<void> {
  await deps.transact((tx) => appendAudit(tx, [{ actor, action: 'scores.exported', entity: 'round', entityId: `${deps.program.contest.id}:${roundId}`, detail: { rows } }], deps.clock()));
}

// ---- Decisions ----

/** Marks one application's outcome (pending until published) in a closed round. */
export async function markDecision(deps: JudgingDeps, actor: string, roundId: RoundId, receipt: string, outcome: string): Promise<void> {
  await decide(deps, actor, roundId, async (_tx, entrants, decisions) => {
    const entrant = entrants.find((e) => e.receiptNumber === receipt);
    if (!entrant) throw new JudgingRefusal('notInRound', { receipt, round: roundId });
    if (!(OUTCOMES[roundId] as readonly string[]).includes(outcome)) throw new JudgingRefusal('badOutcome', { outcome, round: roundId });
    const existing = decisions.find((d) => d.applicationId === entrant.applicationId);
    if (existing && existing.status !== 'pending') throw new JudgingRefusal('decisionFrozen', { receipt });
    if (outcome === 'grand' || outcome === 'excellence') {
      const others = decisions.filter((d) => d.outcome === outcome && d.applicationId !== entrant.applicationId).length;
      if (others >= PRIZES[outcome]) throw new JudgingRefusal('tooManyPrizes', { outcome, count: PRIZES[outcome] });
    }
    return [{ applicationId: entrant.applicationId, outcome: outcome as Outcome }];
  });
}

/**
 * Marks the whole round from its ranking: the clear passers pass (the final: first the
 * grand prize, then the excellence prizes), the rest fail; a tie across the line is left
 * for the committee to mark by hand. Refused while a judge's sheet is missing.
 */
export async function decideByRanking(deps: JudgingDeps, actor: string, roundId: RoundId): Promise<{ marked: number; undecided: string[] }> {
  let undecided: string[] = [];
  const marked = await decide(deps, actor, roundId, async (tx, _entrants, decisions) => {
    if (decisions.some((d) => d.status !== 'pending')) throw new JudgingRefusal('decisionFrozen', { receipt: '' });
    const ranking = await roundRanking(deps, roundId, tx);
    if (ranking.provisional) throw new JudgingRefusal('provisional', { missing: ranking.entrants.reduce((n, e) => n + e.missing, 0) });
    const outcomeOf = roundId === 'final' ? finalOutcomes(ranking) : new Map<string, Outcome>([
      ...ranking.entrants.filter((e) => !ranking.undecided.includes(e.receipt)).map((e) => [e.receipt, 'fail'] as const),
      ...ranking.passing.map((r) => [r, 'pass'] as const),
    ]);
    // No score at all (every judge recused): the committee decides, not the ranking.
    for (const e of ranking.entrants) if (e.score === null) outcomeOf.delete(e.receipt);
    undecided = ranking.entrants.filter((e) => !outcomeOf.has(e.receipt)).map((e) => e.receipt);
    const chosen = ranking.entrants.filter((e) => outcomeOf.has(e.receipt)).map((e) => ({ applicationId: e.applicationId, outcome: outcomeOf.get(e.receipt)! as Outcome }));
    // Hand-marked prizes of finalists left undecided stay: together they must not exceed the prizes.
    const kept = decisions.filter((d) => !chosen.some((c) => c.applicationId === d.applicationId));
    checkPrizes([...kept, ...chosen]);
    return chosen;
  });
  return { marked, undecided };
}

/** One grand prize and two excellence prizes at most (DOMAIN.md §1). */
function checkPrizes(decisions: Array<{ outcome: string }>): void {
  for (const prize of ['grand', 'excellence'] as const) {
    if (decisions.filter((d) => d.outcome === prize).length > PRIZES[prize]) throw new JudgingRefusal('tooManyPrizes', { outcome: prize, count: PRIZES[prize] });
  }
}

/** The final's prizes from the ranking: a tie at a prize line leaves those finalists undecided. */
function finalOutcomes(ranking: RoundRanking): Map<string, Outcome> {
  const byRank = ranking.entrants.filter((e) => e.rank !== null);
  const at = (place: number) => byRank.filter((e) => e.rank! <= place);
  const clear = (place: number) => at(place).filter((e) => byRank.filter((o) => o.rank === e.rank).length + e.rank! - 1 <= place);
  const outcomes = new Map<string, Outcome>(ranking.entrants.map((e) => [e.receipt, 'none']));
  const grand = clear(PRIZES.grand);
  const prized = clear(PRIZES.grand + PRIZES.excellence);
  for (const e of at(PRIZES.grand + PRIZES.excellence)) outcomes.delete(e.receipt);
  if (grand.length === PRIZES.grand) for (const e of prized) outcomes.set(e.receipt, grand.includes(e) ? 'grand' : 'excellence');
  return outcomes;
}

/** Takes the judging lock; decisions and publication need the round opened and closed again. */
async function lockClosedRound(tx: SqlClient, contestId: string, roundId: RoundId): Promise<void> {
  const row = (await repo.lockRounds(tx, contestId)).find((r) => r.roundId === roundId);
  if (!row) throw new JudgingRefusal('roundNotOpen', { round: roundId });
  if (row.status === 'open') throw new JudgingRefusal('roundStillOpen', { round: roundId });
}

type Decide = (tx: SqlClient, entrants: repo.Entrant[], decisions: repo.DecisionRow[]) => Promise<Array<{ applicationId: string; outcome: Outcome }>>;

async function decide(deps: JudgingDeps, actor: string, roundId: RoundId, choose: Decide): Promise<number> {
  roundConfig(deps.program, roundId);
  const contestId = deps.program.contest.id;
  const now = deps.clock();
  return deps.transact(async (tx) => {
    await lockClosedRound(tx, contestId, roundId);
    const entrants = await repo.findEntrants(tx, contestId, roundId);
    const decisions = await repo.findDecisions(tx, contestId, roundId);
    const chosen = await choose(tx, entrants, decisions);
    await repo.markDecisions(tx, contestId, roundId, chosen, actor, now);
    await appendAudit(tx, chosen.map((d): AuditEntry => ({
      actor, action: 'decision.marked', entity: 'application', entityId: d.applicationId, detail: { round: roundId, outcome: d.outcome },
    })), now);
    return chosen.length;
  });
}

// ---- Publication and approval ----

export interface PublicationSummary {
  id: string;
  roundId: RoundId;
  messages: number;
  outcomes: Record<string, number>;
  draftedBy: string;
  /** One notice per outcome as the applicant will read it (with a sample receipt), for the approver. */
  samples: Array<{ outcome: string; text: string }>;
}

/**
 * Turns a round's pending decisions into held LINE messages awaiting approval. Every
 * entrant must be decided first; a round with a publication already awaiting approval,
 * or nothing pending, is refused (publishing twice sends nothing twice).
 */
export async function publishDecisions(deps: JudgingDeps, actor: string, roundId: RoundId): Promise<PublicationSummary> {
  const round = roundConfig(deps.program, roundId);
  const contestId = deps.program.contest.id;
  const now = deps.clock();
  return deps.transact(async (tx) => {
    await lockClosedRound(tx, contestId, roundId);
    if ((await repo.findAwaitingPublications(tx, contestId)).some((p) => p.roundId === roundId)) throw new JudgingRefusal('awaitingApproval', { round: roundId });
    const entrants = await repo.findEntrants(tx, contestId, roundId);
    const decisions = await repo.findDecisions(tx, contestId, roundId);
    const byApplication = new Map(decisions.map((d) => [d.applicationId, d]));
    const missing = entrants.filter((e) => !byApplication.has(e.applicationId));
    if (missing.length > 0) throw new JudgingRefusal('undecided', { count: missing.length, receipts: missing.slice(0, 5).map((e) => e.receiptNumber).join(', ') });
    const pending = entrants.filter((e) => byApplication.get(e.applicationId)!.status === 'pending');
    if (pending.length === 0) throw new JudgingRefusal('nothingToPublish', { round: roundId });
    checkPrizes(entrants.map((e) => byApplication.get(e.applicationId)!));
    const id = randomUUID();
    // The results are one send: its report (sent, blocked, failed) follows them out.
    const sendId = await createSend(tx, { kind: `decision:${roundId}`, label: `results:${roundId}`, createdBy: actor }, now);
    const messages = pending.flatMap((e): NewOutboxRow[] => {
      const outcome = byApplication.get(e.applicationId)!.outcome;
      const ja = noticeText(round, outcome, e.receiptNumber, 'ja');
      const en = noticeText(round, outcome, e.receiptNumber, 'en');
      if (ja === null || en === null) return [];
      return [{
        participantId: e.participantId, content: literalText({ ja, en }), kind: `decision:${roundId}`,
        about: { entity: 'application', id: e.applicationId }, notBefore: now, approvalId: id, sendId,
      }];
    });
    await insertApproval(tx, {
      id, kind: 'judging-results', subject: `${contestId}:${roundId}`, contestId, roundId, draftedBy: actor, messages: messages.length, sendId,
    }, now);
    await repo.attachDecisions(tx, contestId, roundId, id, pending.map((e) => e.applicationId));
    await createOutboxRows(tx, deps.sealer, messages, now);
    const outcomes = await repo.publicationOutcomes(tx, id);
    await appendAudit(tx, [{ actor, action: 'publication.drafted', entity: 'publication', entityId: id, detail: { round: roundId, messages: messages.length, outcomes } }], now);
    return { id, roundId, messages: messages.length, outcomes, draftedBy: actor, samples: samples(deps.program, round, outcomes) };
  });
}

/** Publications waiting for an approver, each with what applicants will read. */
export async function awaitingPublications(deps: JudgingDeps): Promise<PublicationSummary[]> {
  const publications = await repo.findAwaitingPublications(deps.db, deps.program.contest.id);
  return Promise.all(publications.map(async (p) => {
    const outcomes = await repo.publicationOutcomes(deps.db, p.id);
    return { id: p.id, roundId: p.roundId, messages: p.messages, outcomes, draftedBy: p.draftedBy, samples: samples(deps.program, roundConfig(deps.program, p.roundId), outcomes) };
  }));
}

/**
 * An approver's answer, through the one approval mechanism (core/approvals). Approval
 * releases the held messages to the outbox (the worker sends them) and makes the
 * decisions final; rejection discards the messages and returns the decisions to pending.
 * Checked under the judging lock and the approval's row lock: it still awaits an answer,
 * (with separated duties) the approver did not draft it, and the month's LINE quota
 * carries it.
 */
export async function answerPublication(
  deps: JudgingDeps, approver: { actor: string; roles: readonly Role[] }, publicationId: string, approve: boolean,
): Promise<{ roundId: RoundId; released: string[] }> {
  const contestId = deps.program.contest.id;
  try {
    const { approval, released } = await answerApproval(deps, approver, publicationId, approve, {
      action: 'decisions.approve',
      separateDuties: deps.program.judging.separateDuties,
      lockFirst: async (tx) => void await repo.lockRounds(tx, contestId),
      check: async (tx, approval) => {
        if (approval.kind !== 'judging-results' || approval.contestId !== contestId) throw new ApprovalRefusal('notFound');
        if (approve) await refuseOverQuota(deps.quota, (await heldRecipients(tx, publicationId)).line);
      },
      onAnswer: async (tx, approval) => {
        if (approve) await repo.publishApproved(tx, approval.id);
        else await repo.returnDecisions(tx, approval.id);
      },
    });
    return { roundId: approval.roundId as RoundId, released };
  } catch (error) {
    throw error instanceof ApprovalRefusal ? judgingRefusalOf(error) : error;
  }
}

/** The approval's refusals in judging's words (the staff messages `judging.<code>`). */
function judgingRefusalOf(error: ApprovalRefusal): Error {
  switch (error.code) {
    case 'notFound': return new JudgingRefusal('publicationNotFound');
    case 'alreadyDecided': return new JudgingRefusal('alreadyDecided', error.params);
    // Results keep their one refusal for both (the command layer checks the role first).
    case 'ownDraft': case 'notPermitted': return new JudgingRefusal('ownDraft');
    default: return error;
  }
}

/** The notice for an outcome in the applicant's language; null when the outcome sends none. */
export function noticeText(round: RoundConfig, outcome: string, receipt: string, language: Language): string | null {
  const template = round.notices[outcome];
  if (!template) return null;
  const nextStep = round.nextStep?.[language] ?? '';
  return template[language].replaceAll('{receipt}', receipt).replaceAll('{nextStep}', nextStep).trim();
}

/** What each outcome's applicants will read, with a placeholder receipt number. */
function samples(program: Program, round: RoundConfig, outcomes: Record<string, number>): PublicationSummary['samples'] {
  return Object.keys(outcomes).sort().flatMap((outcome) => {
    const text = noticeText(round, outcome, `${program.contest.receiptPrefix}-○○○○`, 'ja');
    return text === null ? [] : [{ outcome, text }];
  });
}

// ---- Audience vote ----

/** Records the audience vote for a finalist (collected at the event; entered by staff). */
export async function recordVotes(deps: JudgingDeps, actor: string, receipt: string, votes: number): Promise<void> {
  const contestId = deps.program.contest.id;
  const now = deps.clock();
  if (!Number.isInteger(votes) || votes < 0 || votes > 100_000) throw new JudgingRefusal('badScore', { criterion: 'votes', min: 0, max: 100_000 });
  await deps.transact(async (tx) => {
    const rounds = await repo.lockRounds(tx, contestId);
    if (!rounds.some((r) => r.roundId === 'final')) throw new JudgingRefusal('notFinalist', { receipt });
    const entrant = (await repo.findEntrants(tx, contestId, 'final')).find((e) => e.receiptNumber === receipt);
    if (!entrant) throw new JudgingRefusal('notFinalist', { receipt });
    if ((await repo.findDecisions(tx, contestId, 'final')).some((d) => d.status !== 'pending')) throw new JudgingRefusal('decisionFrozen', { receipt });
    await repo.saveVotes(tx, contestId, entrant.applicationId, votes, actor, now);
    // Results marked before the votes changed are stale: mark them again.
    await repo.clearPendingDecisions(tx, contestId, 'final');
    await appendAudit(tx, [{ actor, action: 'votes.recorded', entity: 'application', entityId: entrant.applicationId, detail: { votes } }], now);
  });
}
