/**
 * What the seminar module reads and writes: its facts (the seminars as they stand now —
 * staff may have changed capacity, time or room — and the person's live bookings, loaded
 * by core before each turn), its program section (optional), its effects and outcomes.
 */
import type { OtherBooking } from '../bookings/other-booking.ts';
import type { Localized } from '../engine/base-program.ts';
import type { ModuleDeps } from '../engine/module.ts';
import type { SeminarsConfig } from './seminar-config.ts';

/** A seminar as it stands at run time (the database's, not the file's). */
export interface SeminarState {
  id: string;
  capacity: number;
  /** Seats booked or held for someone offered one. */
  held: number;
  /** People waiting without an offer. */
  waiting: number;
  startsAt: string;
  endsAt: string;
  room: Localized;
}

export type LiveBookingStatus = 'booked' | 'waitlisted' | 'offered';

export interface BookingFacts {
  bookingId: string;
  seminarId: string;
  status: LiveBookingStatus;
  /** 1 for the next person waiting; only while waitlisted. */
  position?: number;
  /** ISO; only while offered. */
  offerExpiresAt?: string;
}

export interface SeminarFacts {
  seminars: SeminarState[];
  /** The person's live bookings (ended ones are history, not shown). */
  bookings: BookingFacts[];
  /** Whether the program's booking rule lets this person book (a registered attendee by default). */
  mayBook: boolean;
}

export type SeminarEffect =
  | { type: 'seminars.book'; seminarId: string }
  /**
   * Gives a booking up, whatever it is: a seat (until the cutoff), a place in the queue, an
   * offer. Core checks it is theirs. `seminarId`: the booking's seminar as the person's own
   * bookings say (null when it is not among them: core answers `notFound` without a lock);
   * it only orders the batch's locks (ServerModule.lockKey).
   */
  | { type: 'seminars.cancel'; bookingId: string; seminarId: string | null }
  | { type: 'seminars.accept'; bookingId: string; seminarId: string | null };

export type SeminarOutcome =
  | { effect: 'seminars.book'; result: 'booked'; seminarId: string; bookingId: string }
  | { effect: 'seminars.book'; result: 'waitlisted'; seminarId: string; bookingId: string; position: number; waitOnly: boolean }
  | { effect: 'seminars.book'; result: 'already'; seminarId: string; status: LiveBookingStatus; position?: number }
  /** `other`: the person's booked seminar or consultation in the way (either kind clashes). */
  | { effect: 'seminars.book'; result: 'overlap'; seminarId: string; other: OtherBooking }
  | { effect: 'seminars.book'; result: 'past' | 'notRegistered' | 'unknown'; seminarId: string }
  | { effect: 'seminars.cancel'; result: 'cancelled' | 'left' | 'declined'; seminarId: string }
  | { effect: 'seminars.cancel'; result: 'tooLate'; seminarId: string; cutoffAt: string }
  | { effect: 'seminars.cancel'; result: 'notFound' | 'already' }
  | { effect: 'seminars.accept'; result: 'booked' | 'expired' | 'notRegistered'; seminarId: string }
  | { effect: 'seminars.accept'; result: 'overlap'; seminarId: string; other: OtherBooking }
  | { effect: 'seminars.accept'; result: 'notFound' | 'notOffered' };

export interface SeminarTypes {
  facts: SeminarFacts | null;
  config: SeminarsConfig | undefined;
  effect: SeminarEffect;
  outcome: SeminarOutcome;
}

/** The module's id: its facts are `deps.facts.seminars`, its section `program.seminars`. */
export const SEMINAR_MODULE = 'seminars';

export type SeminarDeps = ModuleDeps<typeof SEMINAR_MODULE, SeminarTypes>;
