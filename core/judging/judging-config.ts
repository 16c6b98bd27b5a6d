/**
 * The judging rounds of a contest season as configuration (DOMAIN.md §1): document
 * screening, presentation screening, and the final with the audience vote. Criteria,
 * weights, scales, how judges' totals combine and how many pass are decided with the
 * prefecture each season, so they are data.
 */
import { z } from 'zod';

const localized = z.object({ ja: z.string().min(1), en: z.string().min(1) });

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
});

export type Criterion = z.infer<typeof criterionSchema>;
export type RoundConfig = z.infer<typeof roundSchema>;
