/**
 * What the booth consultation module reads and writes, declared once: its facts (the
 * person's consultations, whether they may book, and each slot's free places, loaded by
 * core before each turn), its program section (`booths`, optional: a program without
 * booths still loads), its effects and what they come to.
 *
 * The module's id is `booths` because the engine keys a module's program section, facts
 * and catalog by its id, and the program file calls the section `booths`.
 */
import type { OtherBooking } from '../bookings/other-booking.ts';
import type { ModuleDeps } from '../engine/module.ts';
import type { BoothsConfig } from './consult-config.ts';

/** A consultation the person holds: booked, or missed (a no-show, which still counts toward the limit). */
export interface ConsultationFacts {
  consultationId: string;
  slotId: string;
  boothId: string;
  /** ISO instants. */
  startsAt: string;
  endsAt: string;
  status: 'booked' | 'noShow';
}

export interface BoothsFacts {
  /** Whether the person may book at all (registered for the event, when the settings ask for it). */
  eligible: boolean;
  /** Their booked and missed consultations, by start time. */
  consultations: ConsultationFacts[];
  /** Slot id → free places now. Slots the store does not hold (not synced yet, retired) are absent. */
  free: Readonly<Record<string, number>>;
}

/** The module's effects; core/modules/booths.server-module.ts handles each. */
export type BoothsEffect =
  | { type: 'booths.book'; slotId: string; intake: string }
  /** The id comes from a button the person tapped: core checks it is theirs. */
  | { type: 'booths.cancel'; consultationId: string }
  | { type: 'booths.move'; consultationId: string; slotId: string };

/** Refusals a booking and a move share. `overlap` names the person's booking in the way: a consultation or a booked seminar. */
export type SlotRefusal =
  | { result: 'full' | 'past' | 'tooSoon' | 'unknownSlot' }
  | { result: 'overlap'; other: OtherBooking };

export type BoothsOutcome =
  | { effect: 'booths.book'; result: 'booked' | 'already'; consultationId: string; slotId: string }
  | { effect: 'booths.book'; result: 'limit'; limit: number }
  | { effect: 'booths.book'; result: 'notEligible' }
  | ({ effect: 'booths.book' } & SlotRefusal)
  | { effect: 'booths.cancel'; result: 'cancelled' | 'notFound' | 'closed' | 'cutoff' }
  | { effect: 'booths.move'; result: 'moved'; consultationId: string; slotId: string }
  | { effect: 'booths.move'; result: 'notFound' | 'closed' | 'cutoff' | 'same' }
  | ({ effect: 'booths.move' } & SlotRefusal);

export interface BoothsTypes {
  facts: BoothsFacts | null;
  config: BoothsConfig | undefined;
  effect: BoothsEffect;
  outcome: BoothsOutcome;
}

/** The module's id: its facts are `deps.facts.booths`, its section `program.booths`. */
export const BOOTHS_MODULE = 'booths';

/** What the consultation flows read. */
export type BoothsDeps = ModuleDeps<typeof BOOTHS_MODULE, BoothsTypes>;
