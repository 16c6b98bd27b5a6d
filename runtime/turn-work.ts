/**
 * Everything that runs turns, on its own node-postgres pool: the contest synced from the
 * configuration, answers a stopped process may have replied without recording settled
 * by reply, the event processor, and the replay of pending events at start. The processing thread
 * and the in-thread path (process-here.ts) both start exactly this. Delivery of the
 * outbox is the worker's (worker/start-worker.ts); turns only put answers on its queue.
 */
import type { ProgramConfig } from '../flows/program.ts';
import { syncContest } from '../core/contests/sync-contest.ts';
import { syncEventAndTell } from './sync-event-and-tell.ts';
import { syncSeminarsAndTell } from './sync-seminars-and-tell.ts';
import { syncBoothSlots } from '../core/consultations/sync-booth-slots.ts';
import type { Sealer } from '../core/crypto/sealer.ts';
import { sqlClient, transactOn } from '../core/db/pg-transaction.ts';
import { createSqlPool } from '../core/db/sql-pool.ts';
import { errorFields } from '../core/error-fields.ts';
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import type { LineChannels } from '../channels/line/line-api.ts';
import { OutboxQueue } from './outbox-queue.ts';
import { settleUnconfirmedReplies } from './settle-unconfirmed-replies.ts';
import { LineEventProcessor } from './line-event-processor.ts';
import { redisConnection } from './redis-connection.ts';
import { replayAtStart } from './replay-pending.ts';

export interface TurnWorkOptions {
  connectionString: string;
  poolSize: number;
  redisUrl: string;
  queuePrefix: string;
  sealer: Sealer;
  program: ProgramConfig;
  line: LineChannels;
  logger: Logger;
  metrics: Metrics;
  clock: () => Date;
  /** Turn batches at once (OUEN_TURN_CONCURRENCY). */
  concurrency: number;
  /** Someone can take a conversation over (the human inbox is configured). */
  handoffAvailable: boolean;
  /** Where this server is reached from outside: images it serves (a ticket's QR code) are linked there. */
  publicUrl?: string;
  onBacklog?: (size: number) => void;
}

export interface TurnWork {
  processor: LineEventProcessor;
  /** Drains the processor, then closes the queue and the pool. */
  close(): Promise<void>;
}

/** Resolves once pending events are replayed (before anything newer can be dispatched). */
export async function startTurnWork(options: TurnWorkOptions): Promise<TurnWork> {
  const { sealer, program, line, logger, metrics, clock } = options;
  const sql = createSqlPool(options.connectionString, options.poolSize);
  const closers: Array<() => Promise<unknown>> = [() => sql.end()];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch((error: unknown) => logger.error({ err: errorFields(error) }, 'shutdown step failed'));
  };
  try {
    await syncContest(transactOn(sql), program, clock());
    if (program.event) await syncEventAndTell(transactOn(sql), sealer, program, options.publicUrl, clock());
    // After the event: the default booking rule reads its registrations.
    const seminars = await syncSeminarsAndTell(transactOn(sql), sealer, program, clock());
    if (seminars?.refused.length) logger.warn({ refused: seminars.refused }, 'seminar changes in the program file refused by the bookings; the seminars keep their values');
    if (program.booths && program.event) {
      const booths = await syncBoothSlots(transactOn(sql), program.booths, program.event.id, clock());
      if (booths.orphaned > 0 || booths.clamped.length > 0) {
        logger.warn({ orphanedBookings: booths.orphaned, clampedSlots: booths.clamped.length }, 'booth slots changed under existing bookings: contact those people (/booth)');
      }
    }
    // Answers whose reply failed go to the worker through this queue.
    const queue = new OutboxQueue(redisConnection(options.redisUrl), options.queuePrefix);
    closers.push(() => queue.close());
    const processor = new LineEventProcessor({
      sql, sealer, program, line, outbox: queue, logger, metrics, clock, concurrency: options.concurrency, onBacklog: options.onBacklog,
      handoffAvailable: options.handoffAvailable, publicUrl: options.publicUrl,
    });
    closers.push(() => processor.drain());
    await settleUnconfirmedReplies({ db: sqlClient(sql), sealer, line, logger, metrics, clock, queue });
    // What a stopped process left runs before anything newer; later, the worker's replay job takes what is left behind.
    await replayAtStart({ db: sqlClient(sql), sealer, dispatch: (events) => processor.dispatchReceived(events), clock, logger });
    return { processor, close };
  } catch (error) {
    await close();
    throw error;
  }
}
