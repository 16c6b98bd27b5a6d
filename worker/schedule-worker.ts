/**
 * The worker's schedules: at start, the program-derived schedules are synced from the
 * program file and the queue is rebuilt from PostgreSQL (a Redis wipe loses nothing);
 * then a BullMQ worker fires each schedule at its time, and a sweep re-adds any pending
 * schedule that is due but whose job was lost since.
 */
import { Worker, type ConnectionOptions } from 'bullmq';
import type { Sealer } from '../core/crypto/sealer.ts';
import type { SqlClient, Transact } from '../core/db/types.ts';
import { errorFields } from '../core/error-fields.ts';
import type { Logger } from '../core/logger.ts';
import type { Program } from '../core/program/load-program.ts';
import type { ReminderRegistry } from '../core/schedules/reminder-registry.ts';
import { dueSchedules } from '../core/schedules/schedule.service.ts';
import { syncProgramSchedules } from '../core/schedules/sync-program-schedules.ts';
import type { OutboxQueue } from '../runtime/outbox-queue.ts';
import { WORKER_METRICS } from '../runtime/queues.ts';
import { SCHEDULE_QUEUE, ScheduleQueue, type ScheduleJob } from '../runtime/schedule-queue.ts';
import { createScheduleProcessor } from './schedule.processor.ts';

export interface ScheduleWorkerOptions {
  db: SqlClient;
  transact: Transact;
  sealer: Sealer;
  program: Program;
  reminders: ReminderRegistry;
  connection: ConnectionOptions;
  prefix: string;
  outboxQueue?: OutboxQueue;
  logger: Logger;
  clock: () => Date;
  concurrency?: number;
  sweepEveryMs?: number;
}

export interface RunningSchedules {
  queue: ScheduleQueue;
  worker: Worker<ScheduleJob>;
  /** Settles when the start-up sync and rebuild are done (they never reject: failures are logged). */
  ready: Promise<void>;
  rebuild(): Promise<number>;
  close(): Promise<void>;
}

export function startScheduleWorker(options: ScheduleWorkerOptions): RunningSchedules {
  const { db, logger, clock } = options;
  const queue = new ScheduleQueue(options.connection, options.prefix);
  const processor = createScheduleProcessor({
    transact: options.transact, fire: { sealer: options.sealer, program: options.program, reminders: options.reminders },
    outboxQueue: options.outboxQueue, logger, clock,
  });
  const worker = new Worker<ScheduleJob>(SCHEDULE_QUEUE, processor, {
    connection: options.connection, prefix: options.prefix, concurrency: options.concurrency ?? 10, metrics: WORKER_METRICS,
  });
  worker.on('failed', (job, error) => logger.warn({ scheduleId: job?.data.scheduleId, attempts: job?.attemptsMade, err: errorFields(error) }, 'schedule attempt failed'));
  worker.on('error', (error) => logger.error({ err: errorFields(error) }, 'schedule worker error'));

  const rebuild = () => queue.rebuild(db, clock());
  const ready = (async () => {
    const sync = await options.transact((tx) => syncProgramSchedules(tx, options.reminders, options.program, clock()));
    if (sync.created + sync.moved + sync.cancelled > 0) logger.info({ created: sync.created, moved: sync.moved, cancelled: sync.cancelled }, 'program schedules synced');
    await queue.apply(sync, clock());
    const pending = await rebuild();
    logger.info({ pending }, 'schedule queue rebuilt');
  })().catch((error: unknown) => logger.error({ err: errorFields(error) }, 'schedule sync or rebuild failed'));

  const sweep = async () => {
    const due = await dueSchedules(db, clock(), 500);
    await queue.add(due.map((s) => ({ scheduleId: s.id, runAt: s.runAt })), clock());
  };
  const timer = setInterval(() => {
    sweep().catch((error: unknown) => logger.error({ err: errorFields(error) }, 'schedule sweep failed'));
  }, options.sweepEveryMs ?? 30_000);
  timer.unref();

  return {
    queue, worker, ready, rebuild,
    async close() {
      clearInterval(timer);
      await ready;
      await worker.close();
      await queue.close();
    },
  };
}
