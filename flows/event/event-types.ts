/**
 * What the event module reads and writes, declared once: its facts (the participant's
 * registration, loaded by core before each turn), its program section (optional: a
 * program without an event still loads), its effects and what they come to.
 */
import type { ModuleDeps } from '../engine/module.ts';
import type { Answers } from '../engine/types.ts';
import type { EventConfig } from './event-config.ts';

export type RegistrationStatus = 'registered' | 'waitlisted' | 'cancelled';

/** The ticket as flows show it: the signed token (the QR code's content) and where its image is served. */
export interface TicketFacts {
  token: string;
  imageUrl: string;
}

/** The participant's registration as the flow may see it (already unsealed by core). */
export interface RegistrationFacts {
  registrationId: string;
  status: RegistrationStatus;
  /** 1 for the first person waiting; only while waitlisted. */
  position?: number;
  attendeeType: string;
  answers: Answers;
  /** Only while registered. */
  ticket?: TicketFacts;
}

/** The event's effects; core/modules/event.server-module.ts handles each. */
export type EventEffect =
  | { type: 'registerForEvent'; attendeeType: string; answers: Answers }
  /** The id comes from the button the person tapped: core checks it is theirs. */
  | { type: 'cancelEventRegistration'; registrationId: string };

export type EventOutcome =
  | { effect: 'registerForEvent'; result: 'registered'; ticket: TicketFacts }
  | { effect: 'registerForEvent'; result: 'waitlisted'; position: number }
  | { effect: 'registerForEvent'; result: 'closed' }
  | { effect: 'registerForEvent'; result: 'already'; status: 'registered' | 'waitlisted'; position?: number; ticket?: TicketFacts }
  | { effect: 'cancelEventRegistration'; result: 'cancelled' | 'notFound' | 'alreadyCancelled' };

export interface EventTypes {
  facts: RegistrationFacts | null;
  config: EventConfig | undefined;
  effect: EventEffect;
  outcome: EventOutcome;
}

/** The module's id: its facts are `deps.facts.event`, its section `program.event`. */
export const EVENT_MODULE = 'event';

/** What the event's flows read. */
export type EventDeps = ModuleDeps<typeof EVENT_MODULE, EventTypes>;
