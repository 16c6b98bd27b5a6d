/**
 * "My bookings" as messages, each part drawn by the module that owns it so it reads and
 * works exactly as there: the event's ticket card (or the waitlist place), the seminar
 * module's list of the person's bookings, the booth module's consultation cards. Their
 * buttons carry the owning modules' values, so a tap goes to that module's own flow
 * (cancel, leave, accept, decline, move: `Flow.resumeFor`). Pure.
 */
import { bookingCard } from '../consult/consult-messages.ts';
import type { BoothsDeps } from '../consult/consult-types.ts';
import { commandValue } from '../engine/commands.ts';
import { t } from '../engine/text.ts';
import type { Choice, FlowMessage } from '../engine/types.ts';
import { attendeeLabel, ticketCard, waitlistMessage } from '../event/event-messages.ts';
import type { SeminarDeps } from '../seminar/seminar-types.ts';
import { mineMessage } from '../seminar/seminar-views.ts';
import type { MyBookingsDeps, MyBookingsFacts } from './my-bookings-types.ts';

/** A reply holds five messages on LINE: the lead, the ticket, the seminars, then consultations up to the rest. */
const MAX_MESSAGES = 5;

/** What the person holds that is not over yet, or null when nothing. */
export function current(facts: MyBookingsFacts | null, now: Date): MyBookingsFacts | null {
  if (!facts) return null;
  const ahead = (endsAt: string) => Date.parse(endsAt) > now.getTime();
  const states = facts.seminars.states.filter((s) => ahead(s.endsAt));
  const bookings = facts.seminars.bookings.filter((b) => states.some((s) => s.id === b.seminarId));
  const consultations = facts.consultations.filter((c) => ahead(c.endsAt));
  if (!facts.registration && bookings.length === 0 && consultations.length === 0) return null;
  return { registration: facts.registration, seminars: { bookings, states }, consultations };
}

export function bookingsMessages(facts: MyBookingsFacts, deps: MyBookingsDeps): FlowMessage[] {
  const parts: FlowMessage[] = [...registrationPart(facts, deps), ...seminarsPart(facts, deps)];
  const room = MAX_MESSAGES - 1 - parts.length;
  const consultations = consultationsPart(facts, deps);
  const shown = consultations.slice(0, room);
  const lead = t('my-bookings.lead');
  const more = consultations.length > shown.length ? [t('my-bookings.moreConsultations', { count: consultations.length - shown.length })] : [];
  return [{ type: 'text', text: more.length > 0 ? { join: [lead, ...more] } : lead }, ...parts, ...shown];
}

/** Nothing booked: the ways to book that the program has. */
export function emptyMessage(deps: MyBookingsDeps): FlowMessage {
  const choices: Choice[] = [
    ...(deps.program.event ? [entry('my-bookings.book.register', 'register')] : []),
    ...(deps.program.seminars ? [entry('my-bookings.book.seminar', 'seminarBook')] : []),
    ...(deps.program.booths ? [entry('my-bookings.book.consult', 'consult')] : []),
  ];
  return { type: 'text', text: t(choices.length > 0 ? 'my-bookings.none' : 'my-bookings.none.nothingToBook'), choices };
}

function entry(label: 'my-bookings.book.register' | 'my-bookings.book.seminar' | 'my-bookings.book.consult', id: string): Choice {
  return { label: t(label), value: commandValue({ name: 'enter', entry: id }) };
}

function registrationPart(facts: MyBookingsFacts, deps: MyBookingsDeps): FlowMessage[] {
  const event = deps.program.event;
  const registration = facts.registration;
  if (!event || !registration) return [];
  if (registration.status === 'waitlisted') return [waitlistMessage('event.already.waitlisted', registration.position ?? 0, registration.registrationId)];
  if (!registration.ticket) return [];
  return [ticketCard(event, registration.ticket, registration.registrationId, deps.program.timeZone, attendeeLabel(event, registration.attendeeType))];
}

function seminarsPart(facts: MyBookingsFacts, deps: MyBookingsDeps): FlowMessage[] {
  const config = deps.program.seminars;
  if (!config || facts.seminars.bookings.length === 0) return [];
  // The seminar module's own view, over these facts: the same lines and buttons as 「セミナー予約確認」.
  const seminarDeps: SeminarDeps = {
    ...deps, program: { ...deps.program, seminars: config },
    facts: { seminars: { seminars: facts.seminars.states, bookings: facts.seminars.bookings, mayBook: false } },
  };
  return [mineMessage(config, seminarDeps.facts.seminars!, seminarDeps)];
}

function consultationsPart(facts: MyBookingsFacts, deps: MyBookingsDeps): FlowMessage[] {
  const config = deps.program.booths;
  if (!config) return [];
  // The booth module's own card, over these facts: the same rows and move / cancel buttons as 「相談予約確認」.
  const boothsDeps: BoothsDeps = {
    ...deps, program: { ...deps.program, booths: config },
    facts: { booths: { eligible: false, consultations: facts.consultations, free: {} } },
  };
  return facts.consultations.map((booking) => bookingCard(config, booking, boothsDeps));
}
