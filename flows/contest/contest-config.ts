/**
 * The contest's section of the program configuration (`contest` in the program file):
 * deadline, eligibility rules and questions are data, validated here, so a new season is
 * a new file rather than new code.
 */
import { z } from 'zod';
import { localized, privacyNoticeSchema } from '../engine/base-program.ts';

const isoInstant = z.iso.datetime({ offset: true });

const choiceOption = z.object({
  value: z.string().regex(/^[a-z0-9-]{1,40}$/),
  label: localized,
  /** Other words people type for this choice, in either language. */
  aliases: z.array(z.string().min(1).max(40)).max(20).optional(),
  /** A typed number in this range picks the choice (an age for an age band). */
  range: z.object({ min: z.number().optional(), max: z.number().optional() }).optional(),
});

/** A file question's limit when the configuration gives none. */
export const DEFAULT_FILE_MAX_BYTES = 10 * 1024 * 1024;

/** One question of the application form, after eligibility. */
export const questionSchema = z.object({
  id: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,39}$/),
  section: z.enum(['applicant', 'plan']),
  kind: z.enum(['text', 'email', 'phone', 'choice', 'date', 'number', 'file']),
  label: localized,
  prompt: localized,
  /** `kana`: furigana, normalised to katakana. */
  format: z.enum(['kana']).optional(),
  choices: z.array(choiceOption).min(2).max(12).optional(),
  maxLength: z.number().int().positive().max(4000).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  /** Files: largest accepted size. LINE files can be larger; the program's rule is 10 MB. */
  maxBytes: z.number().int().positive().optional(),
  /** Shown as a second choice on file steps, e.g. "send later". */
  allowLater: z.boolean().default(false),
  /** Kept in clear on the application row for staff filters (never personal data). */
  indexAs: z.enum(['category', 'workshopOrigin']).optional(),
  /** The answer identifies a person; it is never shown to roles without access. */
  personal: z.boolean().default(false),
}).refine((q) => q.kind !== 'choice' || q.choices !== undefined, { message: 'choice questions need choices' });

export type Question = z.infer<typeof questionSchema>;

export const contestSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{2,40}$/),
  name: localized,
  receiptPrefix: z.string().regex(/^[A-Z0-9]{2,12}$/),
  opensAt: isoInstant,
  deadline: isoInstant,
  eligibility: z.object({
    /** Founded this many years or more before the deadline → not eligible. */
    maxYearsSinceFounding: z.number().int().positive(),
    requireChibaBase: z.boolean(),
  }),
  privacy: privacyNoticeSchema,
  /** Where an ineligible founder can find other support. */
  otherSupport: localized,
  nextSteps: localized,
  questions: z.array(questionSchema).min(1),
}).refine((c) => Date.parse(c.opensAt) < Date.parse(c.deadline), { message: 'opensAt must be before deadline' })
  .refine((c) => new Set(c.questions.map((q) => q.id)).size === c.questions.length, { message: 'question ids must be unique' });

export type ContestConfig = z.infer<typeof contestSchema>;
