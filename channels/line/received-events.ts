/**
 * Accepted events as the event processor queues them: the event, when this machine
 * received it (a reply token's age counts from no later than that, reply-token.ts), and
 * how often it was held back behind older events of its person (catch-up.ts).
 */
import type { SqlClient } from '../../core/db/types.ts';
import { markInboxFailed, type StoredInboxEvent } from '../../core/inbox/inbox.repository.ts';
import { validateEvent, type LineEvent } from './webhook.schema.ts';

export interface ReceivedEvent {
  event: LineEvent;
  /** This machine's clock: the inbox row's `receivedAt`, or when the processor was handed a new event just after it was stored. */
  receivedAt: Date;
  /** Times it was held back and its person's older events run first (catch-up.ts); absent at first. */
  catchUps?: number;
}

/**
 * Events read back from the inbox (the replay, a catch-up), checked against the webhook
 * schema again: one stored by an older version, before events were checked one by one,
 * that fails the check now never will pass, so it is marked failed rather than left
 * pending to hold its person's newer events back. The rest come back in the same order.
 *
 * @example
 * const events = await checkStoredEvents(db, await pendingInboxEvents(db, sealer, olderThan, 500), now);
 */
export async function checkStoredEvents(db: SqlClient, stored: StoredInboxEvent[], now: Date): Promise<ReceivedEvent[]> {
  const checked: ReceivedEvent[] = [];
  for (const row of stored) {
    const verdict = validateEvent(row.payload);
    if (verdict.ok) checked.push({ event: verdict.event, receivedAt: row.receivedAt });
    else await markInboxFailed(db, row.webhookEventId, now);
  }
  return checked;
}
