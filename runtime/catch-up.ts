/**
 * Catching up behind a held event: an event is held back when an older event of the
 * same person is still pending (it came in a later request, another process accepted it,
 * or another process is running it). Rather than leave the held event to the replay
 * (30 s later, near the end of its reply token's life), the processor puts the person's
 * older pending events and then the held event again at the head of that person's queue
 * (BatchScheduler follow-ups), so order costs at most the older events' own turns.
 *
 * Only the held person waits for this: the batch the event was held in has finished for
 * everyone else, and the wait for another process's turn (its row lock) happens in the
 * inbox read, outside any batch.
 */
import type { Sealer } from '../core/crypto/sealer.ts';
import type { SqlClient } from '../core/db/types.ts';
import { errorFields } from '../core/error-fields.ts';
import { olderPendingEvents } from '../core/inbox/inbox.repository.ts';
import type { Logger } from '../core/logger.ts';
import { checkStoredEvents, type ReceivedEvent } from '../channels/line/received-events.ts';

/**
 * A held event is caught up this many times at most: a second time only when an even
 * older event arrived meanwhile; after that, the replay takes it.
 */
export const MAX_CATCH_UP_ROUNDS = 3;
/** Older pending events of one person run in one catch-up round at most. */
export const MAX_CATCH_UP_EVENTS = 50;

export interface CatchUpDeps {
  db: SqlClient;
  sealer: Sealer;
  clock: () => Date;
  logger: Logger;
}

/**
 * What runs in a held event's place, first for its person: their older pending events,
 * oldest first, then the held event again (one of these queued here too is skipped as a
 * duplicate when its own turn comes). Nothing, so that the replay takes the event, after
 * {@link MAX_CATCH_UP_ROUNDS} rounds or when the inbox cannot be read.
 *
 * @example
 * scheduler follow-up: { item: held, next: catchUpBefore(deps, held) }
 */
export async function catchUpBefore(deps: CatchUpDeps, held: ReceivedEvent): Promise<ReceivedEvent[]> {
  const { webhookEventId } = held.event;
  const rounds = held.catchUps ?? 0;
  if (rounds >= MAX_CATCH_UP_ROUNDS) {
    deps.logger.warn({ webhookEventId }, 'event still held back after catching up; the replay takes it');
    return [];
  }
  try {
    const older = await olderPendingEvents(deps.db, deps.sealer, webhookEventId, MAX_CATCH_UP_EVENTS);
    return [...await checkStoredEvents(deps.db, older, deps.clock()), { ...held, catchUps: rounds + 1 }];
  } catch (error) {
    deps.logger.error({ webhookEventId, err: errorFields(error) }, 'catching up behind a held event failed; the replay takes it');
    return [];
  }
}
