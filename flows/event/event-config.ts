/**
 * The event section of the program configuration (DOMAIN.md §3, the big networking
 * event): when and where it is, when registration runs, how many places, its own privacy
 * notice, who attends, and the questions asked at registration. Data, validated here, so
 * a new event is a new section of the program file rather than new code.
 *
 * Every instant carries its offset (`2026-12-12T13:00:00+09:00`): the file is read by
 * people in Japan, the store keeps UTC.
 */
import { z } from 'zod';
import { localized, privacyNoticeSchema } from '../engine/base-program.ts';

const isoInstant = z.iso.datetime({ offset: true });
const choiceValue = z.string().regex(/^[a-z0-9-]{1,40}$/);

const choiceSchema = z.object({
  value: choiceValue,
  label: localized,
  /** Other words people type for this choice, in either language. */
  aliases: z.array(z.string().min(1).max(40)).max(20).optional(),
});

/** One question asked at registration, after the attendee type. */
export const eventQuestionSchema = z.object({
  id: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,39}$/),
  kind: z.enum(['text', 'email', 'choice']),
  label: localized,
  prompt: localized,
  choices: z.array(choiceSchema).min(2).max(12).optional(),
  maxLength: z.number().int().positive().max(1000).optional(),
  /** May be skipped (an affiliation for someone who has none). */
  optional: z.boolean().default(false),
  /** The answer identifies a person: only roles that may see personal data see it (the roster). */
  personal: z.boolean().default(false),
}).refine((q) => q.kind !== 'choice' || q.choices !== undefined, { message: 'choice questions need choices' });
export type EventQuestion = z.infer<typeof eventQuestionSchema>;

/** DOMAIN.md §3: who comes to the event. Counted in clear (not personal data) for the report. */
export const DEFAULT_ATTENDEE_TYPES = [
  { value: 'founder', label: { ja: '起業家（創業済み）', en: 'Founder' } },
  { value: 'aspiring-founder', label: { ja: '起業を目指している方', en: 'Aspiring founder' } },
  { value: 'support-organisation', label: { ja: '支援機関', en: 'Support organisation' } },
  { value: 'sponsor', label: { ja: '協賛企業', en: 'Sponsor' } },
  { value: 'student', label: { ja: '学生', en: 'Student' } },
  { value: 'other', label: { ja: 'その他', en: 'Other' } },
];

export const eventSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{2,40}$/),
  name: localized,
  venue: localized,
  startsAt: isoInstant,
  endsAt: isoInstant,
  registration: z.object({
    opensAt: isoInstant,
    closesAt: isoInstant,
    /**
     * Places. When they are taken, people join the waitlist; 0 means waitlist only (the
     * places are announced later by raising it, which registers the first people waiting).
     */
    capacity: z.number().int().min(0).max(100_000),
  }),
  /** The event's own privacy notice, shown and agreed to before the first question. */
  privacy: privacyNoticeSchema,
  attendeeTypes: z.array(choiceSchema).min(1).max(12).default(DEFAULT_ATTENDEE_TYPES),
  questions: z.array(eventQuestionSchema).min(1),
}).refine((e) => Date.parse(e.startsAt) < Date.parse(e.endsAt), { message: 'startsAt must be before endsAt' })
  .refine((e) => Date.parse(e.registration.opensAt) < Date.parse(e.registration.closesAt), { message: 'registration.opensAt must be before registration.closesAt' })
  .refine((e) => Date.parse(e.registration.closesAt) <= Date.parse(e.endsAt), { message: 'registration must close by the end of the event' })
  .refine((e) => new Set(e.questions.map((q) => q.id)).size === e.questions.length, { message: 'question ids must be unique' })
  .refine((e) => new Set(e.attendeeTypes.map((t) => t.value)).size === e.attendeeTypes.length, { message: 'attendee type values must be unique' });

export type EventConfig = z.infer<typeof eventSchema>;
