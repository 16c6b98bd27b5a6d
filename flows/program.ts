/**
 * The program configuration as flows see it: deadline, eligibility rules and questions
 * are data, validated here, so a new season is a new file rather than new code.
 */
import { z } from 'zod';

const localized = z.object({ ja: z.string().min(1), en: z.string().min(1) });
export type Localized = z.infer<typeof localized>;

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
  /** Files: largest accepted size ({@link DEFAULT_FILE_MAX_BYTES} when absent); no channel downloads more (core/files/file-rule.ts). */
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
  privacy: z.object({
    noticeVersion: z.string().min(1),
    purpose: localized,
    recipients: localized,
    retention: localized,
    contact: localized,
  }),
  /** Where an ineligible founder can find other support. */
  otherSupport: localized,
  nextSteps: localized,
  questions: z.array(questionSchema).min(1),
}).refine((c) => Date.parse(c.opensAt) < Date.parse(c.deadline), { message: 'opensAt must be before deadline' })
  .refine((c) => new Set(c.questions.map((q) => q.id)).size === c.questions.length, { message: 'question ids must be unique' });

export type ContestConfig = z.infer<typeof contestSchema>;

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour');

/** Where people reach the program office, shown in help, the privacy notice and when staff cannot answer. */
const contactSchema = z.object({
  office: localized,
  phone: z.string().min(1).max(40).optional(),
  email: z.email().optional(),
  url: z.url().optional(),
  /** The office's hours as people read them, e.g. 平日 9:00〜17:00（祝日・年末年始を除く）. */
  hours: localized,
});
export type ContactConfig = z.infer<typeof contactSchema>;

/** When staff answer: a person handed to staff outside these hours is told when to expect an answer. */
const officeHoursSchema = z.object({
  /** 0 = Sunday … 6 = Saturday. */
  weekdays: z.array(z.number().int().min(0).max(6)).min(1).default([1, 2, 3, 4, 5]),
  opens: clock.default('09:00'),
  closes: clock.default('17:00'),
  /** Holidays and the year-end closure, YYYY-MM-DD. */
  closedDates: z.array(z.iso.date()).default([]),
}).refine((h) => h.opens < h.closes, { message: 'opens must be before closes' });
export type OfficeHours = z.infer<typeof officeHoursSchema>;

/** For program files written before the contact section existed; README says to set a real one. */
const DEFAULT_CONTACT: ContactConfig = {
  office: { ja: 'ちば起業家応援事業 事務局', en: 'Chiba Entrepreneur Support Program office' },
  hours: { ja: '平日 9:00〜17:00', en: 'weekdays 9:00–17:00' },
};

export const programSchema = z.object({
  name: localized,
  /** The IANA time zone participants live in; dates are shown and compared in it. */
  timeZone: z.string().default('Asia/Tokyo'),
  contact: contactSchema.default(DEFAULT_CONTACT),
  officeHours: officeHoursSchema.default({ weekdays: [1, 2, 3, 4, 5], opens: '09:00', closes: '17:00', closedDates: [] }),
  contest: contestSchema,
});

export type ProgramConfig = z.infer<typeof programSchema>;
