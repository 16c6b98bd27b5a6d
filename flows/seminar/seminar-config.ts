/**
 * The seminars section of the program configuration (DOMAIN.md §3: three or more
 * seminars at the event, attendees collected per seminar): who may book, until when a
 * seat can be given back, how long a freed seat is held for the person offered it, the
 * reminders, and the seminars themselves. Optional, so a program without seminars loads.
 *
 * Capacity, times and room are the starting values: they are synced to the database at
 * start (core/seminars/sync-seminars.ts), where staff may change them at run time. Title
 * and speaker are read from here only.
 */
import { z } from 'zod';
import { localized } from '../engine/base-program.ts';

const isoInstant = z.iso.datetime({ offset: true });
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour');

export const seminarSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{2,40}$/),
  title: localized,
  /** A button's label is clipped to 20 characters on LINE: a short name for the list's buttons. */
  label: z.object({ ja: z.string().min(1).max(20), en: z.string().min(1).max(20) }).optional(),
  speaker: localized,
  room: localized,
  startsAt: isoInstant,
  endsAt: isoInstant,
  /** Seats. 0: waitlist only (seats announced later by raising it offer them in join order). */
  capacity: z.number().int().min(0).max(10_000),
}).refine((s) => Date.parse(s.startsAt) < Date.parse(s.endsAt), { message: 'startsAt must be before endsAt' });
export type SeminarConfig = z.infer<typeof seminarSchema>;

export const seminarSettingsSchema = z.object({
  /** `registered`: only people holding a place at the program's event; `anyone`: every participant. */
  whoMayBook: z.enum(['registered', 'anyone']).default('registered'),
  /** A booked seat can be given back until this many hours before the start. */
  cancelCutoffHours: z.number().int().min(0).max(24 * 14).default(3),
  /** How long a freed seat offered to the next person waiting is held for them. */
  offerHoldHours: z.number().int().min(1).max(24 * 7).default(12),
  /** To people booked when it fires: the day before at a set hour, and a set time before the start. */
  reminders: z.object({
    dayBefore: z.object({ at: clock.default('18:00') }).nullable().default({ at: '18:00' }),
    beforeStart: z.object({
      minutes: z.number().int().min(10).max(24 * 60).default(30),
      /** Sent even inside quiet hours (an early start). */
      urgent: z.boolean().default(false),
    }).nullable().default({ minutes: 30, urgent: false }),
  }).default({ dayBefore: { at: '18:00' }, beforeStart: { minutes: 30, urgent: false } }),
});
export type SeminarSettings = z.infer<typeof seminarSettingsSchema>;

export const seminarsSchema = z.object({
  settings: seminarSettingsSchema.default(seminarSettingsSchema.parse({})),
  list: z.array(seminarSchema).min(1).max(50),
}).refine((s) => new Set(s.list.map((x) => x.id)).size === s.list.length, { message: 'seminar ids must be unique' });

export type SeminarsConfig = z.infer<typeof seminarsSchema>;
