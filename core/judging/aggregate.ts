/**
 * Tallying a judging round, as pure functions (DOMAIN.md §1: staff "tally the judging
 * results"). A judge's sheet for an application becomes a weighted total; the totals of
 * the judges who count become the application's score (mean or median); scores become
 * a ranking in which equal scores share a rank; the final adds the audience vote.
 *
 * - A criterion's points: weight × (score − min) / (max − min), so criteria on different
 *   scales weigh exactly as configured; a judge's total is out of the sum of the weights.
 * - A recused judge does not count and is not missing. A judge who has not scored every
 *   criterion does not count yet and is reported as missing, so staff can chase it.
 * - Ties are never broken by the machine: equal scores share a rank ("1, 2, 2, 4"), and a
 *   tie across the pass line is reported for the committee to decide.
 */
import type { RoundConfig } from './judging-config.ts';

export interface ScoreSheet {
  judgeId: string;
  applicationId: string;
  /** Criterion id → score on its scale; a criterion not scored yet is absent. */
  scores: Record<string, number>;
  /** The judge declared a conflict of interest for this application. */
  recused?: boolean;
}

export interface ApplicationTally {
  applicationId: string;
  /** The weighted totals that count, by judge. */
  totals: Array<{ judgeId: string; total: number }>;
  /** The combined score, out of `maxPoints`; null while no judge's sheet counts. */
  score: number | null;
  /** Assigned judges who recused themselves. */
  recused: string[];
  /** Assigned judges whose sheet is missing or incomplete. */
  missing: string[];
  /** 1 is best; equal scores share a rank; null when unscored. */
  rank: number | null;
  /** Another application has the same score. */
  tied: boolean;
}

export interface RoundTally {
  roundId: RoundConfig['id'];
  /** What a perfect sheet totals: the sum of the criteria's weights. */
  maxPoints: number;
  /** Best first; unscored last, in the order given. */
  applications: ApplicationTally[];
}

/** Scores that compare equal to this precision are a tie (totals are sums of fractions). */
const EPSILON = 1e-9;

/** A judge's weighted total for one sheet, or null when a criterion is not scored yet. */
export function weightedTotal(round: RoundConfig, scores: Record<string, number>): number | null {
  let total = 0;
  for (const criterion of round.criteria) {
    const score = scores[criterion.id];
    if (score === undefined) return null;
    const { min, max } = criterion.scale;
    if (!Number.isInteger(score) || score < min || score > max) {
      throw new RangeError(`score ${score} for ${criterion.id} is outside ${min}–${max}`);
    }
    total += (criterion.weight * (score - min)) / (max - min);
  }
  return total;
}

/**
 * Tallies a round. `assigned` names the judges expected to score each application (all
 * judges, or the round's list); sheets from judges not assigned to an application are
 * refused, so a stray sheet cannot change a result.
 */
export function tallyRound(round: RoundConfig, assigned: Map<string, string[]>, sheets: ScoreSheet[]): RoundTally {
  const byApplication = new Map<string, Map<string, ScoreSheet>>();
  for (const sheet of sheets) {
    const judges = assigned.get(sheet.applicationId);
    if (!judges?.includes(sheet.judgeId)) {
      throw new Error(`judge ${sheet.judgeId} is not assigned to application ${sheet.applicationId}`);
    }
    const forApplication = byApplication.get(sheet.applicationId) ?? new Map<string, ScoreSheet>();
    if (forApplication.has(sheet.judgeId)) throw new Error(`two sheets from judge ${sheet.judgeId} for application ${sheet.applicationId}`);
    forApplication.set(sheet.judgeId, sheet);
    byApplication.set(sheet.applicationId, forApplication);
  }
  const tallies = [...assigned].map(([applicationId, judges]): ApplicationTally => {
    const given = byApplication.get(applicationId) ?? new Map<string, ScoreSheet>();
    const totals: ApplicationTally['totals'] = [];
    const recused: string[] = [];
    const missing: string[] = [];
    for (const judgeId of new Set(judges)) {
      const sheet = given.get(judgeId);
      if (sheet?.recused) recused.push(judgeId);
      else {
        const total = sheet ? weightedTotal(round, sheet.scores) : null;
        if (total === null) missing.push(judgeId);
        else totals.push({ judgeId, total });
      }
    }
    const score = totals.length === 0 ? null : combine(round.combine, totals.map((t) => t.total));
    return { applicationId, totals, score, recused, missing, rank: null, tied: false };
  });
  return { roundId: round.id, maxPoints: round.criteria.reduce((sum, c) => sum + c.weight, 0), applications: ranked(tallies) };
}

export interface FinalTally extends RoundTally {
  /** Final score (0–1): (1 − w) × committee score / maxPoints + w × votes / the most votes. */
  applications: Array<ApplicationTally & { committeeScore: number | null; votes: number }>;
  audienceWeight: number;
}

/**
 * The final: the committee's tally and the audience vote combined by the round's
 * `audienceWeight`. Votes count relative to the most-voted finalist, so the audience's
 * favourite gets the audience's full share.
 */
export function tallyFinal(round: RoundConfig, committee: RoundTally, votes: Map<string, number>): FinalTally {
  const weight = round.audienceWeight ?? 0;
  const mostVotes = Math.max(0, ...committee.applications.map((a) => votes.get(a.applicationId) ?? 0));
  const applications = committee.applications.map((a) => {
    const count = votes.get(a.applicationId) ?? 0;
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`votes for ${a.applicationId} must be a whole number ≥ 0`);
    const audience = mostVotes === 0 ? 0 : count / mostVotes;
    const score = a.score === null ? null : (1 - weight) * (a.score / committee.maxPoints) + weight * audience;
    return { ...a, committeeScore: a.score, votes: count, score, rank: null, tied: false };
  });
  return { ...committee, audienceWeight: weight, maxPoints: 1, applications: ranked(applications) };
}

/**
 * Who passes a round (or wins a prize): the best `count`. When equal scores straddle the
 * line, those applications are `undecided` and `passing` holds only the clear ones. While
 * any assigned judge's sheet is missing the result is `provisional`: a late sheet can
 * still change it.
 */
export function passLine(tally: RoundTally, count: number): { passing: string[]; undecided: string[]; provisional: boolean } {
  const scored = tally.applications.filter((a) => a.rank !== null);
  const clear = scored.filter((a) => a.rank! <= count && scored.filter((b) => b.rank === a.rank).length + a.rank! - 1 <= count);
  const atLine = scored.filter((a) => a.rank! <= count && !clear.includes(a));
  // An application every judge recused from has no score but is not waiting for one.
  const provisional = tally.applications.some((a) => a.missing.length > 0);
  return { passing: clear.map((a) => a.applicationId), undecided: atLine.map((a) => a.applicationId), provisional };
}

function combine(method: RoundConfig['combine'], totals: number[]): number {
  if (method === 'mean') return totals.reduce((sum, t) => sum + t, 0) / totals.length;
  const sorted = [...totals].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Best first with competition ranking (1, 2, 2, 4); unscored last, unranked, in their order. */
function ranked<T extends ApplicationTally>(tallies: T[]): T[] {
  const scored = tallies.filter((t) => t.score !== null).sort((a, b) => b.score! - a.score!);
  const same = (a: T, b: T) => Math.abs(a.score! - b.score!) < EPSILON;
  const withRanks = scored.map((t) => ({
    ...t,
    rank: scored.findIndex((u) => same(u, t)) + 1,
    tied: scored.filter((u) => same(u, t)).length > 1,
  }));
  return [...withRanks, ...tallies.filter((t) => t.score === null)];
}
