/**
 * The `booths` section of the program configuration (DOMAIN.md §3, support booths with
 * individual consultation): who may book and the rules of booking, then each booth — the
 * organisation, the topic, its consultants (names, for display), its opening hours on the
 * event day cut into slots of `slotMinutes`, and how many people a slot takes. Slots are
 * derived from the hours (consult-slots.ts), never listed by hand.
 *
 * Every instant carries its offset (`2027-01-23T13:30:00+09:00`): the file is read by
 * people in Japan, the store keeps UTC.
 */
import { z } from 'zod';
import { localized } from '../engine/base-program.ts';

const isoInstant = z.iso.datetime({ offset: true });
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour');

const hoursSchema = z.object({ from: isoInstant, to: isoInstant })
  .refine((h) => Date.parse(h.from) < Date.parse(h.to), { message: 'hours: from must be before to' });

export const boothSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{2,30}$/),
  organisation: localized,
  topic: localized,
  /** Shown to participants; not personal data of participants. */
  consultants: z.array(z.string().min(1).max(60)).max(10).default([]),
  /** Where the booth stands in the venue (「ブースA」). */
  place: localized.optional(),
  /** One or more opening ranges on the event day (a lunch break splits them). */
  hours: z.array(hoursSchema).min(1).max(6),
  slotMinutes: z.number().int().min(5).max(180),
  /** People per slot (a consultation is usually one to one). */
  capacity: z.number().int().min(1).max(50).default(1),
}).refine((b) => b.hours.every((h) => (Date.parse(h.to) - Date.parse(h.from)) >= b.slotMinutes * 60_000), {
  message: 'each opening range must hold at least one slot',
}).refine((b) => noOverlap(b.hours), { message: 'opening ranges of a booth must not overlap' });
export type BoothConfig = z.infer<typeof boothSchema>;

export const boothSettingsSchema = z.object({
  /** Who may book: people registered for the event (holding a place), or anyone. */
  who: z.enum(['registered', 'anyone']).default('registered'),
  /** Consultations one person may hold for the event (booked or missed). */
  perPersonLimit: z.number().int().min(1).max(20).default(2),
  /** A slot can be booked until this many minutes before it starts. */
  minNoticeMinutes: z.number().int().min(0).max(7 * 24 * 60).default(30),
  /** A booking can be cancelled or moved until this many minutes before it starts. */
  changeCutoffMinutes: z.number().int().min(0).max(7 * 24 * 60).default(60),
  intake: z.object({
    /** Replaces the catalog's question (both languages). */
    prompt: localized.optional(),
    maxLength: z.number().int().min(20).max(1000).default(200),
  }).prefault({}),
  reminders: z.object({
    /** The day before the event, at this time (program time zone); null: none. */
    dayBefore: z.object({ at: clock.default('18:00') }).nullable().default({ at: '18:00' }),
    /** This many minutes before the slot starts; null: none. */
    beforeStart: z.object({
      minutes: z.number().int().min(5).max(24 * 60).default(30),
      /** Sent even inside quiet hours. */
      urgent: z.boolean().default(false),
    }).nullable().default({ minutes: 30, urgent: false }),
  }).prefault({}),
});
export type BoothSettings = z.infer<typeof boothSettingsSchema>;

export const boothsSchema = z.object({
  settings: boothSettingsSchema.prefault({}),
  booths: z.array(boothSchema).min(1).max(30),
}).refine((b) => new Set(b.booths.map((booth) => booth.id)).size === b.booths.length, { message: 'booth ids must be unique' });
export type BoothsConfig = z.infer<typeof boothsSchema>;

function noOverlap(hours: ReadonlyArray<{ from: string; to: string }>): boolean {
  const sorted = [...hours].sort((a, b) => Date.parse(a.from) - Date.parse(b.from));
  return sorted.every((h, i) => i === 0 || Date.parse(sorted[i - 1]!.to) <= Date.parse(h.from));
}
