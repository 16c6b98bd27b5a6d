/**
 * The sections of the program configuration every flow shares: the program's name, its
 * time zone, how people reach the office and when staff answer. Each flow module adds
 * its own section under its id (contest, event, …); flows/modules.ts composes them.
 */
import { z } from 'zod';

export const localized = z.object({ ja: z.string().min(1), en: z.string().min(1) });
export type Localized = z.infer<typeof localized>;

/** A privacy notice a flow shows and asks consent to before its first question (APPI: purpose, recipients, retention, contact). */
export const privacyNoticeSchema = z.object({
  /** Recorded with each consent, so a changed notice is asked again. */
  noticeVersion: z.string().min(1),
  purpose: localized,
  recipients: localized,
  retention: localized,
  contact: localized,
});

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

export const baseProgramSchema = z.object({
  name: localized,
  /** The IANA time zone participants live in; dates are shown and compared in it. */
  timeZone: z.string().default('Asia/Tokyo'),
  contact: contactSchema.default(DEFAULT_CONTACT),
  officeHours: officeHoursSchema.default({ weekdays: [1, 2, 3, 4, 5], opens: '09:00', closes: '17:00', closedDates: [] }),
});

/** The shared sections, which is all the engine reads of the program. */
export type BaseProgram = z.infer<typeof baseProgramSchema>;
