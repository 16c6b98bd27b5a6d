import { describe, expect, it } from 'vitest';
import { passLine, tallyFinal, tallyRound, weightedTotal, type ScoreSheet } from '../../core/judging/aggregate.ts';
import { roundSchema, type RoundConfig } from '../../core/judging/judging-config.ts';

const name = (en: string) => ({ ja: en, en });

/** Two criteria on different scales: feasibility 1–5 worth 60, impact 0–10 worth 40 (a judge's total is out of 100). */
const documentRound: RoundConfig = roundSchema.parse({
  id: 'document',
  name: name('Document screening'),
  passCount: 2,
  blind: true,
  criteria: [
    { id: 'feasibility', name: name('Feasibility'), weight: 60, scale: { min: 1, max: 5 } },
    { id: 'impact', name: name('Impact on Chiba'), weight: 40, scale: { min: 0, max: 10 } },
  ],
});

const sheet = (judgeId: string, applicationId: string, feasibility?: number, impact?: number, recused = false): ScoreSheet => ({
  judgeId, applicationId, recused,
  scores: { ...(feasibility === undefined ? {} : { feasibility }), ...(impact === undefined ? {} : { impact }) },
});

const everyone = (applications: string[], judges = ['j1', 'j2', 'j3']) => new Map(applications.map((a) => [a, judges]));

describe('weightedTotal', () => {
  it.each([
    [{ feasibility: 5, impact: 10 }, 100],
    [{ feasibility: 1, impact: 0 }, 0],
    [{ feasibility: 3, impact: 5 }, 50],
    [{ feasibility: 4, impact: 2 }, 45 + 8],
  ])('%o totals %d points', (scores, total) => {
    expect(weightedTotal(documentRound, scores)).toBeCloseTo(total, 9);
  });

  it('is null while a criterion is not scored', () => {
    expect(weightedTotal(documentRound, { feasibility: 5 })).toBeNull();
  });

  it.each([[{ feasibility: 6, impact: 5 }], [{ feasibility: 0, impact: 5 }], [{ feasibility: 3, impact: 2.5 }], [{ feasibility: 3, impact: -1 }]])(
    'refuses an out-of-scale score %o', (scores) => {
      expect(() => weightedTotal(documentRound, scores)).toThrow(RangeError);
    },
  );
});

describe('tallyRound', () => {
  it('averages the judges and ranks best first', () => {
    const tally = tallyRound(documentRound, everyone(['a', 'b']), [
      sheet('j1', 'a', 5, 10), sheet('j2', 'a', 3, 5), sheet('j3', 'a', 4, 5),
      sheet('j1', 'b', 1, 0), sheet('j2', 'b', 2, 2), sheet('j3', 'b', 5, 10),
    ]);
    expect(tally.maxPoints).toBe(100);
    expect(tally.applications.map((a) => [a.applicationId, a.rank, Number(a.score!.toFixed(4))])).toEqual([
      ['a', 1, Number(((100 + 50 + 65) / 3).toFixed(4))],
      ['b', 2, Number(((0 + 23 + 100) / 3).toFixed(4))],
    ]);
  });

  it('shares a rank between equal scores and skips the ranks they take (1, 2, 2, 4)', () => {
    const tally = tallyRound(documentRound, everyone(['a', 'b', 'c', 'd'], ['j1']), [
      sheet('j1', 'a', 5, 10), sheet('j1', 'b', 3, 5), sheet('j1', 'c', 3, 5), sheet('j1', 'd', 1, 0),
    ]);
    expect(tally.applications.map((a) => [a.applicationId, a.rank, a.tied])).toEqual([
      ['a', 1, false], ['b', 2, true], ['c', 2, true], ['d', 4, false],
    ]);
  });

  it('leaves a recused judge out without counting them as missing', () => {
    const tally = tallyRound(documentRound, everyone(['a']), [
      sheet('j1', 'a', 5, 10), sheet('j2', 'a', undefined, undefined, true), sheet('j3', 'a', 3, 5),
    ]);
    const [a] = tally.applications;
    expect(a).toMatchObject({ score: 75, recused: ['j2'], missing: [] });
    expect(a!.totals.map((t) => t.judgeId)).toEqual(['j1', 'j3']);
  });

  it('reports missing and incomplete sheets and scores with the complete ones only', () => {
    const tally = tallyRound(documentRound, everyone(['a', 'b']), [sheet('j1', 'a', 5, 10), sheet('j2', 'a', 4)]);
    expect(tally.applications[0]).toMatchObject({ applicationId: 'a', score: 100, missing: ['j2', 'j3'], rank: 1 });
    expect(tally.applications[1]).toMatchObject({ applicationId: 'b', score: null, rank: null, missing: ['j1', 'j2', 'j3'] });
  });

  it('takes the median when configured, the middle pair averaged for an even count', () => {
    const median = { ...documentRound, combine: 'median' as const };
    const odd = tallyRound(median, everyone(['a']), [sheet('j1', 'a', 5, 10), sheet('j2', 'a', 1, 0), sheet('j3', 'a', 3, 5)]);
    expect(odd.applications[0]!.score).toBeCloseTo(50, 9);
    const even = tallyRound(median, everyone(['a'], ['j1', 'j2', 'j3', 'j4']), [
      sheet('j1', 'a', 5, 10), sheet('j2', 'a', 1, 0), sheet('j3', 'a', 3, 5), sheet('j4', 'a', 4, 5),
    ]);
    expect(even.applications[0]!.score).toBeCloseTo((50 + 65) / 2, 9);
  });

  it('refuses a sheet from a judge not assigned to the application, and a second sheet from one judge', () => {
    expect(() => tallyRound(documentRound, everyone(['a'], ['j1']), [sheet('j9', 'a', 5, 10)])).toThrow(/not assigned/);
    expect(() => tallyRound(documentRound, everyone(['a'], ['j1']), [sheet('j1', 'a', 5, 10), sheet('j1', 'a', 1, 0)])).toThrow(/two sheets/);
  });
});

describe('passLine', () => {
  const tallyOf = (scores: Array<[string, number, number]>) =>
    tallyRound(documentRound, everyone(scores.map(([id]) => id), ['j1']), scores.map(([id, f, i]) => sheet('j1', id, f, i)));

  it('passes the best ones when the line falls between scores', () => {
    expect(passLine(tallyOf([['a', 5, 10], ['b', 4, 5], ['c', 1, 0]]), 2)).toEqual({ passing: ['a', 'b'], undecided: [], provisional: false });
  });

  it('leaves a tie across the line to the committee', () => {
    expect(passLine(tallyOf([['a', 5, 10], ['b', 3, 5], ['c', 3, 5], ['d', 1, 0]]), 2)).toEqual({ passing: ['a'], undecided: ['b', 'c'], provisional: false });
  });

  it('passes a tie that fits under the line', () => {
    expect(passLine(tallyOf([['a', 3, 5], ['b', 3, 5], ['c', 1, 0]]), 2)).toEqual({ passing: ['a', 'b'], undecided: [], provisional: false });
  });

  it('never passes an application no judge has scored, and calls the result provisional while sheets are missing', () => {
    const tally = tallyRound(documentRound, everyone(['a', 'b'], ['j1']), [sheet('j1', 'a', 1, 0)]);
    expect(passLine(tally, 2)).toEqual({ passing: ['a'], undecided: [], provisional: true });
  });
});

describe('tallyFinal', () => {
  const finalRound: RoundConfig = roundSchema.parse({
    id: 'final', name: name('Final'), passCount: 3, audienceWeight: 0.3,
    criteria: [{ id: 'overall', name: name('Overall'), weight: 100, scale: { min: 0, max: 10 } }],
  });
  const committee = (scores: Record<string, number>) => tallyRound(finalRound, everyone(Object.keys(scores), ['j1']),
    Object.entries(scores).map(([applicationId, overall]) => ({ judgeId: 'j1', applicationId, scores: { overall } })));

  it('weighs the committee and the audience as configured; the most-voted gets the full audience share', () => {
    const final = tallyFinal(finalRound, committee({ a: 8, b: 7, c: 6 }), new Map([['a', 10], ['b', 40], ['c', 20]]));
    const byId = Object.fromEntries(final.applications.map((x) => [x.applicationId, x]));
    expect(byId.a!.score).toBeCloseTo(0.7 * 0.8 + 0.3 * 0.25, 9);
    expect(byId.b!.score).toBeCloseTo(0.7 * 0.7 + 0.3 * 1, 9);
    expect(byId.c!.score).toBeCloseTo(0.7 * 0.6 + 0.3 * 0.5, 9);
    expect(final.applications.map((x) => x.applicationId)).toEqual(['b', 'a', 'c']);
    expect(byId.b).toMatchObject({ committeeScore: 70, votes: 40, rank: 1 });
  });

  it('is the committee alone with no votes, and ties at the prize line are left open', () => {
    const final = tallyFinal(finalRound, committee({ a: 9, b: 8, c: 7, d: 7 }), new Map());
    expect(final.applications.map((x) => [x.applicationId, x.rank])).toEqual([['a', 1], ['b', 2], ['c', 3], ['d', 3]]);
    expect(passLine(final, finalRound.passCount)).toEqual({ passing: ['a', 'b'], undecided: ['c', 'd'], provisional: false });
  });

  it('refuses a negative or fractional vote count', () => {
    expect(() => tallyFinal(finalRound, committee({ a: 9 }), new Map([['a', -1]]))).toThrow(RangeError);
    expect(() => tallyFinal(finalRound, committee({ a: 9 }), new Map([['a', 1.5]]))).toThrow(RangeError);
  });
});

describe('the round configuration', () => {
  it('refuses duplicate criteria, an empty scale and an audience weight above 1', () => {
    const base = { id: 'document', name: name('R'), passCount: 1 };
    const criterion = { id: 'x', name: name('X'), weight: 1, scale: { min: 1, max: 5 } };
    expect(roundSchema.safeParse({ ...base, criteria: [criterion, criterion] }).success).toBe(false);
    expect(roundSchema.safeParse({ ...base, criteria: [{ ...criterion, scale: { min: 3, max: 3 } }] }).success).toBe(false);
    expect(roundSchema.safeParse({ ...base, criteria: [criterion], audienceWeight: 1.5 }).success).toBe(false);
    expect(roundSchema.safeParse({ ...base, criteria: [criterion] }).success).toBe(true);
  });
});
