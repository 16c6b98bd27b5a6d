/**
 * What the "my bookings" module reads: the person's event registration, seminar bookings
 * and consultations in one set of facts (core/bookings/my-bookings-facts.ts loads them in
 * one statement per batch), and — to name them — the event, seminars and booths sections
 * of the program. It has no effects of its own: its buttons are the owning modules'
 * (their flows take them, `Flow.resumeFor`) and their entries.
 */
import type { BoothsConfig } from '../consult/consult-config.ts';
import type { ConsultationFacts } from '../consult/consult-types.ts';
import type { ModuleDeps } from '../engine/module.ts';
import type { EventConfig } from '../event/event-config.ts';
import type { TicketFacts } from '../event/event-types.ts';
import type { SeminarsConfig } from '../seminar/seminar-config.ts';
import type { BookingFacts, SeminarState } from '../seminar/seminar-types.ts';

/** A place at the event, or a place in its waitlist (a cancelled registration is not a booking). */
export interface HeldRegistration {
  registrationId: string;
  status: 'registered' | 'waitlisted';
  /** 1 for the next person waiting; only while waitlisted. */
  position?: number;
  attendeeType: string;
  /** Only while registered. */
  ticket?: TicketFacts;
}

export interface MyBookingsFacts {
  registration: HeldRegistration | null;
  /** The live seminar bookings (booked, waitlisted, offered) and the seminars they are for, as they stand. */
  seminars: { bookings: BookingFacts[]; states: SeminarState[] };
  /** Booked consultations, by start time. */
  consultations: ConsultationFacts[];
}

export interface MyBookingsTypes {
  facts: MyBookingsFacts | null;
  config: undefined;
  /** None: cancelling, leaving, accepting and moving are the owning modules' effects. */
  effect: never;
  outcome: never;
}

export const MY_BOOKINGS_MODULE = 'my-bookings';

/**
 * The module's deps: its facts, and the program sections of the modules whose bookings it
 * lists. The runtime hands every flow the whole program (runtime/run-turn.ts), composed
 * from every module's section (flows/modules.ts), so these are there whenever configured.
 */
export type MyBookingsDeps = ModuleDeps<typeof MY_BOOKINGS_MODULE, MyBookingsTypes> & {
  program: { readonly event?: EventConfig; readonly seminars?: SeminarsConfig; readonly booths?: BoothsConfig };
};
