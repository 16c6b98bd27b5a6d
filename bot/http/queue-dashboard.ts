/**
 * The admins' queue dashboard (bull-board) at /admin/queues: every queue in
 * runtime/queues.ts, its jobs, their attempts and errors, with retry and clean.
 *
 * Never open without authentication. With `OUEN_ADMIN_TOKEN` set it asks for that
 * credential (admin-auth.ts); without it, production does not mount it at all, and local
 * mode (no login anywhere, one person's machine) serves it to this machine only, as it
 * serves the staff panel (bot/console/local-only.ts). Loaded only when mounted: a
 * production web thread without the token carries no bull-board code.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import type { Express, RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { isLocalMode, type Env } from '../../core/env.ts';
import { OUEN_QUEUES } from '../../runtime/queues.ts';
import { localOnly, localOnlyOptions } from '../console/local-only.ts';
import { adminAuth } from './admin-auth.ts';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

export interface QueueDashboardOptions {
  env: Env;
  /** The web side's connection, shared by the dashboard's queues (closing them leaves it open). */
  redis: Redis;
  port: number;
  host: string;
  queues?: readonly string[];
}

/** Who may open the dashboard, from the configuration; `undefined`: nobody, so it is not mounted. */
export function dashboardGuard(env: Env, port: number, host: string): RequestHandler | undefined {
  if (env.OUEN_ADMIN_TOKEN) return adminAuth(env.OUEN_ADMIN_TOKEN, 'ouen queues');
  if (isLocalMode(env)) return localOnly({ ...localOnlyOptions(env, port, host), loopbackPeersOnly: true });
  return undefined;
}

/** Mounts the dashboard on `app` when someone may open it; resolves to what closes its queues. */
export function mountQueueDashboard(app: Express, options: QueueDashboardOptions): () => Promise<void> {
  const guard = dashboardGuard(options.env, options.port, options.host);
  if (!guard) return async () => undefined;
  const queues = (options.queues ?? OUEN_QUEUES).map((name) => {
    const queue = new Queue(name, { connection: options.redis, prefix: options.env.OUEN_QUEUE_PREFIX });
    // Redis being down shows in the dashboard's own answers and in /healthz.
    queue.on('error', () => undefined);
    return queue;
  });
  const board = new ExpressAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'ouen queues' } },
  });
  app.use(QUEUE_DASHBOARD_PATH, guard, board.getRouter() as RequestHandler);
  return async () => void (await Promise.all(queues.map((queue) => queue.close())));
}
