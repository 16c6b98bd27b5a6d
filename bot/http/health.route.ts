import express, { type Router } from 'express';
import type { Redis } from 'ioredis';
import type { Queryable } from '../../core/db/sql-pool.ts';
import { METRICS_CONTENT_TYPE } from '../../core/metrics.ts';

/** GET /healthz checks what ouen cannot work without; GET /metrics is Prometheus text. */
export function healthRouter(deps: { sql: Queryable; redis: Redis; metricsText: () => Promise<string> }): Router {
  const router = express.Router();
  router.get('/healthz', async (_req, res) => {
    const [database, redis] = await Promise.all([
      deps.sql.query('SELECT 1').then(() => 'ok', () => 'down'),
      deps.redis.ping().then(() => 'ok', () => 'down'),
    ]);
    const ok = database === 'ok' && redis === 'ok';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', database, redis });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(METRICS_CONTENT_TYPE).send(await deps.metricsText());
  });
  return router;
}
