/**
 * The event row made to match the configuration at start (core/events/sync-event.ts). A
 * raised capacity registers people from the waitlist; they are told by push, through
 * outbox rows written in the same transaction, so nobody gets a place unannounced.
 */
import { promotedMessages } from '../flows/event/event-messages.ts';
import type { ProgramConfig } from '../flows/program.ts';
import type { Sealer } from '../core/crypto/sealer.ts';
import type { Transact } from '../core/db/types.ts';
import { syncEvent, type EventSync } from '../core/events/sync-event.ts';
import { ticketFacts } from '../core/events/ticket-token.ts';
import { createOutboxRows } from '../core/outbox/outbox.repository.ts';
import { notificationRows } from './notify-participants.ts';

export async function syncEventAndTell(transact: Transact, sealer: Sealer, program: ProgramConfig, publicUrl: string | undefined, now: Date): Promise<EventSync | null> {
  const event = program.event;
  if (!event) return null;
  const telling: Transact = (work) => transact(async (tx) => {
    const sync = await work(tx) as EventSync;
    const notifications = sync.promoted.map((p) => ({
      participantId: p.participantId, kind: 'event-promoted', about: { entity: 'event-registration', id: p.registrationId },
      messages: promotedMessages(event, ticketFacts(p.ticket, publicUrl), p.registrationId, program.timeZone),
    }));
    await createOutboxRows(tx, sealer, notificationRows(notifications, now), now);
    return sync as never;
  });
  return syncEvent(telling, sealer, event, now);
}
