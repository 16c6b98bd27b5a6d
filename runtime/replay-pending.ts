/**
 * Events stored but never processed (the process stopped, or a processing thread died
 * mid-way) are processed again: all of them at start, before any new event is taken,
 * so that a person's earlier messages still come before their later ones; then, every
 * half minute, those left behind.
 */
import type { Sealer } from '../core/crypto/sealer.ts';
import type { SqlClient } from '../core/db/types.ts';
import { errorFields } from '../core/error-fields.ts';
import { pendingInboxEvents } from '../core/inbox/inbox.repository.ts';
import type { Logger } from '../core/logger.ts';
import { checkStoredEvents, type ReceivedEvent } from '../channels/line/received-events.ts';

/** Younger pending events are most likely still in a queue in memory. */
const PENDING_EVENT_GRACE_MS = 30_000;
const REPLAY_LIMIT = 500;
/** At start every pending event is ours; as many as the webhook lets wait (OUEN_MAX_BACKLOG's default). */
const START_LIMIT = 5_000;

export interface ReplayDeps {
  db: SqlClient;
  sealer: Sealer;
  /** Hands the events over with when they were received (a reply token's age counts from no later than that). */
  dispatch: (events: ReceivedEvent[]) => void;
  clock: () => Date;
  logger: Logger;
}

/** Replays everything pending, then keeps replaying what is left behind; resolves to a stop function. */
export async function startReplay(deps: ReplayDeps): Promise<() => Promise<void>> {
  const replay = async (graceMs: number, limit: number) => {
    const olderThan = new Date(deps.clock().getTime() - graceMs);
    const pending = await pendingInboxEvents(deps.db, deps.sealer, olderThan, limit);
    if (pending.length > 0) deps.logger.warn({ count: pending.length }, 'replaying unprocessed webhook events');
    deps.dispatch(await checkStoredEvents(deps.db, pending, deps.clock()));
  };
  const failed = (error: unknown) => deps.logger.error({ err: errorFields(error) }, 'inbox replay failed');
  await replay(0, START_LIMIT).catch(failed);
  const timer = setInterval(() => void replay(PENDING_EVENT_GRACE_MS, REPLAY_LIMIT).catch(failed), PENDING_EVENT_GRACE_MS);
  timer.unref();
  return async () => clearInterval(timer);
}
