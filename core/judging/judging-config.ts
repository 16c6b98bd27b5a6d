/**
 * The judging rounds of a contest season as configuration (DOMAIN.md §1): document
 * screening, presentation screening, and the final with the audience vote. Criteria,
 * weights, scales, how judges' totals combine and how many pass are decided with the
 * prefecture each season, so they are data.
 */
import { z } from 'zod';

const localized = z.object({ ja: z.string().min(1), en: z.string().min(1) });
const calendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date, YYYY-MM-DD');

export const criterionSchema = z.object({
  id: z.string().regex(/^[a-z][a-zA-Z0-9]{0,39}$/),
  name: localized,
  /** Points this criterion is worth in a judge's total; a judge's total is out of the sum of the weights. */
  weight: z.number().positive().max(1000),
  /** The scale judges score on, e.g. 1–5. */
  scale: z.object({ min: z.number().int().min(0), max: z.number().int().max(100) })
    .refine((s) => s.max > s.min, 'scale.max must be above scale.min'),
});

export const roundSchema = z.object({
  id: z.enum(['document', 'presentation', 'final']),
  name: localized,
  criteria: z.array(criterionSchema).min(1).max(20)
    .refine((cs) => new Set(cs.map((c) => c.id)).size === cs.length, 'criterion ids must be unique'),
  /** How judges' totals for one application become its score. */
  combine: z.enum(['mean', 'median']).default('mean'),
  /** How many pass (the last round: how many prizes). */
  passCount: z.number().int().positive(),
  /** Round 1 can hide who applied: judges see the plan, not the person. */
  blind: z.boolean().default(false),
  /** Final only: the audience vote's share of the final score (0–1). */
  audienceWeight: z.number().min(0).max(1).optional(),
  /** Who scores: every judge on the roster, or the listed roster ids. */
  judges: z.union([z.literal('all'), z.array(z.string()).min(1)]).default('all'),
  /** What applicants are told, per outcome (the final's `none` may stay silent); `{receipt}` and `{nextStep}` are filled in. */
  notices: z.record(z.string(), localized).default({}),
  /** The next step after passing, e.g. the presentation date; quoted in the pass notice. */
  nextStep: localized.optional(),
  /** When judges score (calendar dates in the program's time zone): shown to staff and judges; staff open and close the round. */
  schedule: z.object({ opens: calendarDate, closes: calendarDate })
    .refine((s) => s.opens <= s.closes, 'schedule.opens must not be after schedule.closes').optional(),
});

export type Criterion = z.infer<typeof criterionSchema>;
export type RoundConfig = z.infer<typeof roundSchema>;
export type RoundId = RoundConfig['id'];

/** The rounds in the order they run (DOMAIN.md §1). */
export const ROUND_ORDER: readonly RoundId[] = ['document', 'presentation', 'final'];

/**
 * What staff can decide for an application in a round: screening rounds pass or fail;
 * the final awards the grand prize, an excellence prize, or nothing.
 */
export const OUTCOMES = { document: ['pass', 'fail'], presentation: ['pass', 'fail'], final: ['grand', 'excellence', 'none'] } as const;
export type Outcome = (typeof OUTCOMES)[RoundId][number];
/** How many of each prize the final awards (DOMAIN.md §1: one grand prize, two excellence prizes). */
export const PRIZES = { grand: 1, excellence: 2 } as const;

const judgeSchema = z.object({
  /** A short id for the audit log and the scores CSV, e.g. `judge-sato`. */
  id: z.string().regex(/^[a-z0-9-]{2,40}$/),
  /** How staff and the CSV name the judge. */
  name: z.string().min(1).max(40),
  /** The Discord account that scores as this judge; without one, the judge scores in the console's staff panel (local mode). */
  discordUserId: z.string().regex(/^\d{17,20}$/).optional(),
});
export type Judge = z.infer<typeof judgeSchema>;

/** The judging section of the program file. */
export const judgingSchema = z.object({
  /** The selection committee, decided with the prefecture each season. */
  judges: z.array(judgeSchema).min(1)
    .refine((js) => new Set(js.map((j) => j.id)).size === js.length, 'judge ids must be unique')
    .refine((js) => { const ids = js.flatMap((j) => (j.discordUserId ? [j.discordUserId] : [])); return new Set(ids).size === ids.length; }, 'a Discord account can be one judge only'),
  /** Nobody approves a publication they drafted (DOMAIN.md §5: the prefecture signs off). */
  separateDuties: z.boolean().default(true),
  rounds: z.array(roundSchema).length(3),
}).superRefine((judging, ctx) => {
  const ids = new Set(judging.judges.map((j) => j.id));
  judging.rounds.forEach((round, i) => {
    if (round.id !== ROUND_ORDER[i]) ctx.addIssue({ code: 'custom', path: ['rounds', i, 'id'], message: `round ${i + 1} must be "${ROUND_ORDER[i]}"` });
    if (round.judges !== 'all') {
      for (const id of round.judges) if (!ids.has(id)) ctx.addIssue({ code: 'custom', path: ['rounds', i, 'judges'], message: `"${id}" is not on the judge roster` });
    }
    for (const outcome of OUTCOMES[round.id]) {
      if (outcome !== 'none' && !round.notices[outcome]) {
        ctx.addIssue({ code: 'custom', path: ['rounds', i, 'notices', outcome], message: `a notice for "${outcome}" is needed` });
      }
    }
    if (round.id === 'final' && round.passCount !== PRIZES.grand + PRIZES.excellence) {
      ctx.addIssue({ code: 'custom', path: ['rounds', i, 'passCount'], message: `the final awards ${PRIZES.grand + PRIZES.excellence} prizes` });
    }
  });
});
export type JudgingConfig = z.infer<typeof judgingSchema>;

/** The roster ids of the judges who score a round. */
export function roundJudges(judging: JudgingConfig, round: RoundConfig): string[] {
  return round.judges === 'all' ? judging.judges.map((j) => j.id) : [...round.judges];
}
