/**
 * The admins' queue dashboard (bull-board, bot/http/queue-board.ts) at /admin/queues:
 * every queue in runtime/queues.ts, its jobs, their attempts and errors, with retry,
 * clean and pause.
 *
 * Never open without authentication. With `OUEN_ADMIN_TOKEN` set it asks for that
 * credential (admin-auth.ts); without it, production does not mount it at all, and local
 * mode (no login anywhere, one person's machine) serves it to this machine only, as it
 * serves the staff panel (bot/console/local-only.ts). bull-board is loaded at the first
 * request that passes the guard.
 */
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Redis } from 'ioredis';
import { isLocalMode, type Env } from '../../core/env.ts';
import { OUEN_QUEUES } from '../../runtime/queues.ts';
import { localOnly, localOnlyOptions } from '../console/local-only.ts';
import { adminAuth } from './admin-auth.ts';
import type { QueueBoard } from './queue-board.ts';

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

/** Mounts the dashboard on `app` when someone may open it; returns what closes its queues. */
export function mountQueueDashboard(app: Express, options: QueueDashboardOptions): () => Promise<void> {
  const guard = dashboardGuard(options.env, options.port, options.host);
  if (!guard) return async () => undefined;
  let board: Promise<QueueBoard> | undefined;
  const open = () => (board ??= import('./queue-board.ts').then(({ queueBoard }) => queueBoard({
    redis: options.redis, prefix: options.env.OUEN_QUEUE_PREFIX, names: options.queues ?? OUEN_QUEUES, basePath: QUEUE_DASHBOARD_PATH,
  })));
  app.use(QUEUE_DASHBOARD_PATH, guard, (req: Request, res: Response, next: NextFunction) => {
    open().then((opened) => opened.router(req, res, next), next);
  });
  return async () => void (board && await (await board).close());
}
