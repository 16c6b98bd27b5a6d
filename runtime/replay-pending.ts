/**
 * Events stored but never processed (the process stopped, or a processing thread died
 * mid-way) are processed again. At start a web side replays all of them, before any new
 * event is taken, so that a person's earlier messages still come before their later
 * ones: that is {@link replayAtStart}, and it must stay where the turns of new events run
 * (runtime/turn-work.ts). What is left behind later (a dead thread's share, a stopped
 * process's events while others run on) is the worker's periodic job
 * (worker/inbox-replay-worker.ts), through {@link leftBehindEvents}: order still holds
 * there, because a newer event of a person is held back while an older one is pending
 * (catch-up.ts), and each event is consumed once, in its turn's transaction.
 */
import type { Sealer } from '../core/crypto/sealer.ts';
import type { SqlClient } from '../core/db/types.ts';
import { errorFields } from '../core/error-fields.ts';
import { pendingInboxEvents } from '../core/inbox/inbox.repository.ts';
import type { Logger } from '../core/logger.ts';
import { checkStoredEvents, type ReceivedEvent } from '../channels/line/received-events.ts';

/** Younger pending events are most likely still in a queue in memory. */
export const PENDING_EVENT_GRACE_MS = 30_000;
const REPLAY_LIMIT = 500;
/** At start every pending event is ours; as many as the webhook lets wait (OUEN_MAX_BACKLOG's default). */
const START_LIMIT = 5_000;

export interface ReplayDeps {
  db: SqlClient;
  sealer: Sealer;
  clock: () => Date;
  logger: Logger;
}

/** Pending events older than `graceMs`, oldest first, checked as stored events are (received-events.ts). */
export async function leftBehindEvents(deps: ReplayDeps, graceMs = PENDING_EVENT_GRACE_MS, limit = REPLAY_LIMIT): Promise<ReceivedEvent[]> {
  const olderThan = new Date(deps.clock().getTime() - graceMs);
  const pending = await pendingInboxEvents(deps.db, deps.sealer, olderThan, limit);
  if (pending.length > 0) deps.logger.warn({ count: pending.length }, 'replaying unprocessed webhook events');
  return checkStoredEvents(deps.db, pending, deps.clock());
}

/** Hands every pending event to `dispatch` (with when it was received: a reply token's age counts from then); a failed read is logged. */
export async function replayAtStart(deps: ReplayDeps & { dispatch: (events: ReceivedEvent[]) => void }): Promise<void> {
  try {
    deps.dispatch(await leftBehindEvents(deps, 0, START_LIMIT));
  } catch (error) {
    deps.logger.error({ err: errorFields(error) }, 'inbox replay failed');
  }
}
