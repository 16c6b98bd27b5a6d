/**
 * Where and when the HTTP server listens. The port opens last, once every route is
 * mounted, so nothing ever answers 404 while ouen is still starting.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { ConfigError } from '../../core/config-error.ts';
import { freePort } from '../../core/free-port.ts';
import { isLocalMode, type Env } from '../../core/env.ts';

/** A burst of reconnects after a stall waits in the accept queue instead of being dropped. */
const LISTEN_BACKLOG = 2048;
/** Longer than the idle time of common proxies and LINE's gaps between deliveries, so connections are reused. */
const KEEP_ALIVE_MS = 65_000;

/**
 * `OUEN_HOST` when given; otherwise this machine only (127.0.0.1) in local mode, whose
 * console has no login, and every interface with real credentials, where LINE must
 * reach the webhook (usually through a reverse proxy).
 */
export function listenHost(env: Env): string {
  return env.OUEN_HOST ?? (isLocalMode(env) ? '127.0.0.1' : '0.0.0.0');
}

/** Whether `host` is this machine only, as opposed to a network address or every interface. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/**
 * The port to listen on: `port`, or for 0 a free one chosen now. The port is needed
 * before the routes are built (the built-in fake LINE API's address contains it) but
 * must not be open until they are; another process could take it in between, in which
 * case listening fails (EADDRINUSE) rather than serving half a server.
 */
export async function choosePort(port: number, host: string): Promise<number> {
  return port !== 0 ? port : freePort(host);
}

/** How this process reaches its own server: the console's webhooks, the SDK's calls to the built-in fake. */
export function selfUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/** Opens the port for `handler` (the last step of start-up); a port in use is said plainly, not as a stack trace. */
export function listen(handler: RequestListener, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(handler);
    server.keepAliveTimeout = KEEP_ALIVE_MS;
    server.headersTimeout = KEEP_ALIVE_MS + 1_000;
    server.listen({ port, host, backlog: LISTEN_BACKLOG });
    server.once('listening', () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE'
      ? new ConfigError(`port ${port} on ${host} is in use (is ouen already running?): stop that, or choose another PORT`)
      : error));
  });
}

/** Stops taking connections and closes the idle ones; resolves when the server has closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
