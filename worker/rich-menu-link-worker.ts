/**
 * Links each LINE participant's rich menu by stage (runtime/link-rich-menus.ts), as a
 * BullMQ processor: a job scheduler runs a pass every few seconds, `kick()` one now. The
 * queue's global concurrency is 1, so passes never overlap, even across worker processes,
 * and nobody is linked twice. Retry rule (runtime/delivery-failure.ts): a 5xx or timeout
 * fails the pass, retried with exponential backoff; a 429 pauses the queue for LINE's
 * `Retry-After` (BullMQ's manual rate limit) and the pass is taken up again after it; any
 * other 4xx marks those people failed for good inside the pass.
 *
 * In local mode the worker first publishes the menus to the built-in fake LINE (operators
 * run `ouen richmenu publish` against LINE itself), so the console shows them.
 */
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { LineRichMenuApi } from '../channels/line/rich-menu-api.ts';
import { drawApart } from '../core/rich-menu/draw-apart.ts';
import type { SqlClient, Transact } from '../core/db/types.ts';
import { errorFields } from '../core/error-fields.ts';
import type { Logger } from '../core/logger.ts';
import type { Program } from '../core/program/load-program.ts';
import { RateLimitedError } from '../runtime/delivery-failure.ts';
import { linkRichMenus, type LinkReport } from '../runtime/link-rich-menus.ts';
import type { LineRouting } from '../runtime/line-routing.ts';
import { publishRichMenus } from '../runtime/publish-rich-menus.ts';

import { RICH_MENU_QUEUE, WORKER_METRICS } from '../runtime/queues.ts';
/** A pass every 5 s: a stage change (a submission, a registration) shows within seconds, at one indexed scan each. */
const EVERY_MS = 5_000;

export interface RichMenuLinkerOptions {
  db: SqlClient;
  transact: Transact;
  program: Program;
  line: LineRouting;
  logger: Logger;
  clock: () => Date;
  connection: ConnectionOptions;
  prefix: string;
  /** Publish the menus before linking (local mode: the built-in fake starts empty). */
  publishFirst?: boolean;
  everyMs?: number;
}

export interface RunningRichMenuLinker {
  queue: Queue;
  worker: Worker<unknown, LinkReport>;
  /** A pass now (deduplicated while one waits). */
  kick(): Promise<void>;
  close(): Promise<void>;
}

export async function startRichMenuLinker(options: RichMenuLinkerOptions): Promise<RunningRichMenuLinker> {
  const { logger } = options;
  const api = new LineRichMenuApi(options.line.api);
  const skipUser = options.line.consoleBesideLine?.serves;
  const queue = new Queue(RICH_MENU_QUEUE, { connection: options.connection, prefix: options.prefix });
  await queue.setGlobalConcurrency(1);
  const jobOptions = { attempts: 5, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: true, removeOnFail: 100 };
  await queue.upsertJobScheduler(RICH_MENU_QUEUE, { every: options.everyMs ?? EVERY_MS }, { name: 'link', opts: jobOptions });
  const worker: Worker<unknown, LinkReport> = new Worker<unknown, LinkReport>(RICH_MENU_QUEUE, async () => {
    try {
      const report = await linkRichMenus({ db: options.db, api, program: options.program, now: options.clock(), logger, skipUser });
      if (report.requests > 0) logger.info({ ...report }, 'rich menus linked');
      return report;
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      await worker.rateLimit(error.retryAfterMs);
      throw Worker.RateLimitError();
    }
  }, { connection: options.connection, prefix: options.prefix, concurrency: 1, metrics: WORKER_METRICS });
  worker.on('failed', (job, error) => logger.warn({ attempts: job?.attemptsMade, err: errorFields(error) }, 'rich menu linking failed'));
  worker.on('error', (error) => logger.error({ err: errorFields(error) }, 'rich menu worker error'));
  const kick = async () => {
    await queue.add('link', {}, { ...jobOptions, jobId: 'kick' });
  };
  // In the background: drawing the menus takes a few seconds, and nothing else waits for it.
  // Drawn in a child process, so this long-running one never holds resvg's memory.
  const stopping = new AbortController();
  const published = options.publishFirst
    ? publishRichMenus({
      db: options.db, transact: options.transact, api, program: options.program, clock: options.clock, logger, skipUser,
      draw: (definitions) => drawApart(definitions, stopping.signal),
    })
      .then(() => kick())
      .catch((error: unknown) => {
        if (!stopping.signal.aborted) logger.error({ err: errorFields(error) }, 'rich menu publish failed');
      })
    : kick();
  if (!options.publishFirst) await published;
  return {
    queue, worker, kick,
    async close() {
      stopping.abort();
      await published.catch(() => undefined);
      await worker.close();
      await queue.close();
    },
  };
}
