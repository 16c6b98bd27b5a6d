/**
 * The worker fixture (worker-fixture.ts) with the schedules beside it: a schedule queue
 * and worker under the fixture's own prefix, the built-in program (or one given), and
 * the modules' reminders plus `test.ping`, a reminder to the one person a schedule names.
 *
 * @example
 * const s = await startScheduleFixture();
 * const changes = await s.transact((tx) => scheduleReminder(tx, ping(participantId, runAt), s.timing, new Date()));
 * await s.schedules.queue.apply(changes, new Date());
 */
import { transactOn } from '../../core/db/pg-transaction.ts';
import type { Transact } from '../../core/db/types.ts';
import { createLogger } from '../../core/logger.ts';
import { serverModules } from '../../core/modules/server-modules.ts';
import { flowContent } from '../../core/outbox/outbox-content.ts';
import { loadProgram, type Program } from '../../core/program/load-program.ts';
import type { Reminder } from '../../core/schedules/reminder.ts';
import { reminderRegistry } from '../../core/schedules/reminder-registry.ts';
import type { NewSchedule, ScheduleTiming } from '../../core/schedules/schedule.service.ts';
import { redisConnection } from '../../runtime/redis-connection.ts';
import { obliterateQueues } from '../../runtime/queues.ts';
import { SCHEDULE_QUEUE } from '../../runtime/schedule-queue.ts';
import { startScheduleWorker, type RunningSchedules } from '../../worker/schedule-worker.ts';
import { startWorkerFixture, type WorkerFixture } from './worker-fixture.ts';

export const PING = 'test.ping';

/** Reaches the one participant its schedule names, with the shared catalog's `handoff.closed`. */
const ping: Reminder = {
  id: PING,
  audience: async (_db, firing) => (firing.schedule.participantId ? [firing.schedule.participantId] : []),
  content: () => flowContent([{ type: 'text', text: { key: 'handoff.closed' } }]),
};

export const registry = reminderRegistry([...serverModules.modules, { id: 'test', reminders: { reminders: [ping] } }]);

/** A `test.ping` schedule for one person. */
export function pingSchedule(participantId: string, runAt: Date, options: { urgent?: boolean; key?: string } = {}): NewSchedule {
  return {
    reminder: PING, entity: 'participant', entityId: participantId, participantId, runAt,
    urgent: options.urgent ?? true, dedupeKey: options.key ?? `test:${participantId}:${runAt.getTime()}`,
  };
}

export interface ScheduleFixture extends WorkerFixture {
  program: Program;
  transact: Transact;
  timing: ScheduleTiming;
  prefix: string;
  /** Starts the schedule worker (again, after `stopSchedules`), with the start-up sync and rebuild done. */
  startSchedules(): Promise<RunningSchedules>;
  stopSchedules(): Promise<void>;
  schedules(): RunningSchedules;
}

export async function startScheduleFixture(options: { program?: Program; clock?: () => Date } = {}): Promise<ScheduleFixture> {
  const f = await startWorkerFixture(options.clock ? { clock: options.clock } : {});
  const program = options.program ?? loadProgram();
  const transact = transactOn(f.db.sql);
  const prefix = f.queue.queue.opts.prefix!;
  const connection = redisConnection('redis://127.0.0.1:6379');
  let running: RunningSchedules | undefined;
  const startSchedules = async () => {
    running = startScheduleWorker({
      db: f.sql, transact, sealer: f.sealer, program, reminders: registry, connection, prefix, outboxQueue: f.queue,
      logger: createLogger('silent'), clock: options.clock ?? (() => new Date()), sweepEveryMs: 60_000,
    });
    await running.ready;
    return running;
  };
  const stopSchedules = async () => {
    await running?.close();
    running = undefined;
  };
  return {
    ...f, program, transact, prefix, startSchedules, stopSchedules,
    timing: { quietHours: program.quietHours, timeZone: program.timeZone },
    schedules: () => running!,
    close: async () => {
      await stopSchedules();
      await obliterateQueues(connection, prefix, [SCHEDULE_QUEUE]);
      await f.close();
    },
  };
}
