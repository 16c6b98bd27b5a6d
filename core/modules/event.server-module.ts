/**
 * The event module's server side: the participant's registration as its facts, and its
 * effects carried out by the registration services (core/events), whose places and
 * waitlist order the database holds. A refusal (closed, already, not yours) is an
 * outcome the flow answers from; someone promoted from the waitlist is told by push.
 */
import { promotedMessages } from '../../flows/event/event-messages.ts';
import type { EventTypes, RegistrationFacts, TicketFacts } from '../../flows/event/event-types.ts';
import { cancelEventRegistration } from '../events/cancel-registration.ts';
import type { EventRegistrationFacts } from '../events/event-registration-types.ts';
import { loadEventRegistrations } from '../events/event-registrations.ts';
import { registerForEvent } from '../events/register-for-event.ts';
import { ticketFacts } from '../events/ticket-token.ts';
import type { ModuleScope, ServerModule } from './server-module.ts';
import { eventReminders } from './event.reminders.ts';

export const eventServerModule: ServerModule<'event', EventTypes> = {
  id: 'event',
  reminders: eventReminders,

  async loadFacts(db, scope, participantIds) {
    const event = scope.program.event;
    if (!event) return () => null;
    const registrations = await loadEventRegistrations(db, scope.sealer, event.id, participantIds);
    return (participantId) => {
      const found = registrations.get(participantId);
      return found ? factsOf(found, scope) : null;
    };
  },

  handlers: {
    async registerForEvent(effect, turn) {
      const event = turn.program.event;
      if (!event) return { outcome: { effect: 'registerForEvent', result: 'closed' } };
      const done = await registerForEvent(turn.db, turn.sealer, {
        eventId: event.id, participantId: turn.participantId, attendeeType: effect.attendeeType, answers: effect.answers,
        now: turn.now, actor: turn.actor,
      });
      const base = { attendeeType: effect.attendeeType, answers: effect.answers };
      switch (done.outcome) {
        case 'registered': {
          const ticket = ticketOf(done.ticket, turn);
          return {
            facts: { ...base, registrationId: done.registrationId, status: 'registered', ticket },
            outcome: { effect: 'registerForEvent', result: 'registered', ticket },
            audit: done.audit,
          };
        }
        case 'waitlisted':
          return {
            facts: { ...base, registrationId: done.registrationId, status: 'waitlisted', position: done.position },
            outcome: { effect: 'registerForEvent', result: 'waitlisted', position: done.position },
            audit: done.audit,
          };
        case 'already': {
          const ticket = done.ticket ? ticketOf(done.ticket, turn) : undefined;
          return {
            outcome: { effect: 'registerForEvent', result: 'already', status: done.status, position: done.position, ticket },
            audit: done.audit,
          };
        }
        case 'closed':
          return { outcome: { effect: 'registerForEvent', result: 'closed' }, audit: done.audit };
      }
    },

    async cancelEventRegistration(effect, turn) {
      const event = turn.program.event;
      if (!event) return { outcome: { effect: 'cancelEventRegistration', result: 'notFound' } };
      const done = await cancelEventRegistration(turn.db, turn.sealer, {
        eventId: event.id, participantId: turn.participantId, registrationId: effect.registrationId, now: turn.now, actor: turn.actor,
      });
      if (done.outcome !== 'cancelled') return { outcome: { effect: 'cancelEventRegistration', result: done.outcome }, audit: done.audit };
      const facts: RegistrationFacts | null = turn.facts ? { ...turn.facts, status: 'cancelled', position: undefined, ticket: undefined } : null;
      const promoted = done.promoted;
      return {
        facts,
        outcome: { effect: 'cancelEventRegistration', result: 'cancelled' },
        audit: done.audit,
        notify: promoted
          ? [{ participantId: promoted.participantId, kind: 'event-promoted', about: { entity: 'event-registration', id: promoted.registrationId }, messages: promotedMessages(event, ticketOf(promoted.ticket, turn), promoted.registrationId, turn.program.timeZone) }]
          : [],
      };
    },
  },

  // Both take the event's row lock, held until the batch commits: as late as they can.
  lateEffects: ['registerForEvent', 'cancelEventRegistration'],
};

function factsOf(found: EventRegistrationFacts, scope: ModuleScope): RegistrationFacts {
  return {
    registrationId: found.registrationId, status: found.status, attendeeType: found.attendeeType, answers: found.answers,
    ...(found.position === undefined ? {} : { position: found.position }),
    ...(found.ticket ? { ticket: ticketOf(found.ticket, scope) } : {}),
  };
}

/** The QR image is served by this server (bot/http/ticket.route.ts). */
function ticketOf(token: string, scope: ModuleScope): TicketFacts {
  return ticketFacts(token, scope.publicUrl);
}
