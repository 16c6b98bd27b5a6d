/**
 * The `reminders` section of the program file: when the program-derived reminders go
 * out, and optionally their text (a template in both languages in place of the catalog's).
 * Staff change a nudge or the event reminder here; the worker re-plans them at start
 * (core/schedules/sync-program-schedules.ts). README "Schedules and reminders".
 */
import { z } from 'zod';
import { localized } from '../../flows/engine/base-program.ts';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour');

/** A reminder `daysBefore` days before a deadline, at `at` (program time zone). */
const daysBeforeSchema = z.object({
  daysBefore: z.number().int().min(1).max(90),
  at: clock.default('10:00'),
  /** Replaces the catalog's text (both languages). */
  message: localized.optional(),
});
export type DaysBefore = z.infer<typeof daysBeforeSchema>;

export const remindersSchema = z.object({
  /** To people with an unfinished (draft) application, before the contest deadline. */
  applicationNudges: z.array(daysBeforeSchema).max(10).default([{ daysBefore: 7, at: '10:00' }, { daysBefore: 1, at: '10:00' }]),
  /** To people who applied without the plan document, when the contest asks for one. */
  missingDocument: z.array(daysBeforeSchema).max(10).default([{ daysBefore: 3, at: '10:00' }]),
  /** To registered attendees: the day before at a set hour, and a set time before the start. */
  event: z.object({
    dayBefore: z.object({ at: clock.default('12:00'), message: localized.optional() }).nullable().default({ at: '12:00' }),
    beforeStart: z.object({
      minutes: z.number().int().min(10).max(24 * 60).default(120),
      /** Sent even inside quiet hours (an early start). */
      urgent: z.boolean().default(false),
      message: localized.optional(),
    }).nullable().default({ minutes: 120, urgent: false }),
  }).default({ dayBefore: { at: '12:00' }, beforeStart: { minutes: 120, urgent: false } }),
});
export type RemindersConfig = z.infer<typeof remindersSchema>;

export const DEFAULT_REMINDERS: RemindersConfig = remindersSchema.parse({});
