/**
 * Time passing for a running worker's schedules, in tests that move an injected clock.
 * BullMQ delays are real time: a job made for a day weeks ahead of the test clock would
 * not run when the clock gets there. So, with the clock set to `now`, this does what
 * Redis's own time would do by then: the worker's rebuild adds a job for every pending
 * schedule that has none (an offer's expiry written in a turn, like the worker's sweep
 * would), and the delayed jobs made for `now` or earlier are promoted. The real schedule
 * processor then fires them with the clock's `now`. Resolves once PostgreSQL shows no
 * schedule due by `now` still pending.
 *
 * @example
 * now = new Date('2027-01-22T18:00:00+09:00');
 * await fireDueSchedules(h.ouen.delivery!.schedules, h.db.prisma, now);
 */
import type { PrismaClient } from '../../core/db/types.ts';
import type { RunningSchedules } from '../../worker/schedule-worker.ts';
import { eventually } from './ouen-harness.ts';

export async function fireDueSchedules(schedules: RunningSchedules, prisma: PrismaClient, now: Date, timeoutMs = 20_000): Promise<void> {
  await schedules.rebuild();
  const delayed = await schedules.queue.queue.getJobs(['delayed']);
  await Promise.all(delayed.filter((job) => job.data.runAt <= now.getTime()).map((job) => job.promote()));
  await eventually(async () => (await prisma.schedule.count({ where: { status: 'pending', runAt: { lte: now } } })) === 0, timeoutMs);
}
