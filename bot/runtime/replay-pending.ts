/**
 * Events stored but never processed (the process stopped, or a processing thread died
 * mid-way) are processed again: at start, then every half minute.
 */
import type { Sealer } from '../../core/crypto/sealer.ts';
import type { SqlDb } from '../../core/db/types.ts';
import { pendingInboxEvents } from '../../core/inbox/inbox.repository.ts';
import type { Logger } from '../../core/logger.ts';
import type { LineEvent } from '../line/webhook.schema.ts';

/** Younger pending events are most likely still in a queue in memory. */
const PENDING_EVENT_GRACE_MS = 30_000;
const REPLAY_LIMIT = 500;

export interface ReplayDeps {
  db: SqlDb;
  sealer: Sealer;
  dispatch: (events: LineEvent[]) => void;
  clock: () => Date;
  logger: Logger;
}

/** Starts replaying; the returned function stops it. */
export function replayPendingEvents(deps: ReplayDeps): () => Promise<void> {
  const replay = async () => {
    const olderThan = new Date(deps.clock().getTime() - PENDING_EVENT_GRACE_MS);
    const pending = await pendingInboxEvents(deps.db, deps.sealer, olderThan, REPLAY_LIMIT);
    if (pending.length > 0) deps.logger.warn({ count: pending.length }, 'replaying unprocessed webhook events');
    deps.dispatch(pending.map((p) => p.payload as LineEvent));
  };
  const failed = (error: Error) => deps.logger.error({ err: error.name }, 'inbox replay failed');
  void replay().catch(failed);
  const timer = setInterval(() => void replay().catch(failed), PENDING_EVENT_GRACE_MS);
  timer.unref();
  return async () => clearInterval(timer);
}
