/**
 * A stop with a deadline. On SIGTERM a process stops taking work and lets what is in
 * flight finish: the web side answers the requests it has and drains its turns, BullMQ
 * workers stop taking jobs and wait for their active ones (`Worker.close()`). A job that
 * hangs (a LINE call that never answers) must not keep the process alive forever — a
 * supervisor would SIGKILL it anyway (Kubernetes after 30 s by default) — so after
 * `OUEN_SHUTDOWN_GRACE_MS` the process exits regardless. Nothing is lost then: a job
 * still active keeps its place in Redis and, once its lock expires, BullMQ's stalled-job
 * check hands it to another worker; processors are idempotent (the outbox row in
 * PostgreSQL, the same X-Line-Retry-Key), so a job run again sends nothing twice.
 */
import type { Logger } from '../core/logger.ts';

/** Resolves `true` when `close` finished within `graceMs`, `false` when the deadline came first (`close` goes on). */
export async function stopWithin(close: () => Promise<void>, graceMs: number, logger: Logger): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), graceMs);
  });
  try {
    const stopped = await Promise.race([close().then(() => true as const), deadline]);
    if (!stopped) logger.warn({ graceMs }, 'work still in flight at the end of the shutdown grace (OUEN_SHUTDOWN_GRACE_MS): exiting; active jobs go back to the queue when their locks expire');
    return stopped;
  } finally {
    clearTimeout(timer);
  }
}

/** The exit code of a stop that missed its deadline: the supervisor sees it was not clean. */
export const STOP_TIMED_OUT = 1;
