/**
 * `/healthz` and `/metrics` for `ouen worker` (OUEN_WORKER_METRICS_PORT), on plain
 * node:http: the worker process carries no web code (test/cli/process-roles.test.ts reads
 * its imports). The same answers as the web side's (bot/http/health.route.ts): 200 or 503
 * with what is down; Prometheus text with this process's counters and the queues' numbers.
 */
import { createServer, type Server } from 'node:http';
import { METRICS_CONTENT_TYPE } from '../core/metrics.ts';

export interface HealthServerOptions {
  port: number;
  host: string;
  /** Each dependency's state, `ok` or `down`. */
  health(): Promise<Record<string, 'ok' | 'down'>>;
  metricsText(): Promise<string>;
}

export interface RunningHealthServer {
  port: number;
  close(): Promise<void>;
}

export async function startHealthServer(options: HealthServerOptions): Promise<RunningHealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
    if (path === '/healthz') {
      void options.health().then((states) => {
        const ok = Object.values(states).every((state) => state === 'ok');
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'ok' : 'degraded', ...states }));
      });
      return;
    }
    if (path === '/metrics') {
      options.metricsText().then(
        (text) => res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host: options.host }, resolve);
  });
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    }),
  };
}
