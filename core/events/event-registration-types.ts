/**
 * The shapes of event registration shared by its service files: what a registration is
 * as facts (for flows, loaded in one statement for a batch of people), and the answers as
 * stored (sealed, every one of them).
 */
import { z } from 'zod';

export type EventRegistrationStatus = 'registered' | 'waitlisted' | 'cancelled';

/** Question id → the answer as given (a choice's value for choice questions). Validated at the service's door. */
export type EventAnswers = Record<string, string>;

export const eventAnswersSchema = z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,39}$/), z.string().max(4000));
export const attendeeTypeSchema = z.string().regex(/^[a-z0-9-]{1,40}$/);

/** Where a registration's answers are sealed: bound to its row, so a sealed value copied elsewhere fails to open. */
export const registrationAnswersContext = (registrationId: string) => `event-registration:${registrationId}:answers`;

/** A person's registration as the flow sees it (my registration, the ticket again, cancel). */
export interface EventRegistrationFacts {
  registrationId: string;
  status: EventRegistrationStatus;
  /** 1 for the first person waiting; only while waitlisted. */
  position?: number;
  attendeeType: string;
  answers: EventAnswers;
  /** The signed ticket token (ticket-token.ts); only while registered. */
  ticket?: string;
}

/** Someone who got a place because another cancelled (or the capacity grew): tell them by push, through the outbox. */
export interface PromotedRegistration {
  participantId: string;
  registrationId: string;
  ticket: string;
}
