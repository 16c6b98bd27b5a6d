/**
 * Posts signed webhook bodies as LINE does (`x-line-signature` = Base64 HMAC-SHA256 of
 * the raw body) over kept-alive connections, and times each until the answer is read.
 */
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';

export interface Ack {
  /** HTTP status, or 0 when the request failed on the way (see `error`). */
  status: number;
  ms: number;
  /** The socket error's code (ECONNRESET, ETIMEDOUT, …) when `status` is 0. */
  error?: string;
}

/** Enough sockets that requests never queue in the client and distort the latency. */
const MAX_SOCKETS = 1024;

export class WebhookPoster {
  readonly #url: URL;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, keepAliveMsecs: 10_000 });

  constructor(url: string, private readonly channelSecret: string) {
    this.#url = new URL(url);
  }

  post(raw: string): Promise<Ack> {
    const signature = createHmac('sha256', this.channelSecret).update(raw).digest('base64');
    const body = Buffer.from(raw);
    const started = performance.now();
    return new Promise((resolve) => {
      const req = request({
        agent: this.#agent,
        host: this.#url.hostname,
        port: this.#url.port,
        path: this.#url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-line-signature': signature },
      }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
        res.on('error', (error: NodeJS.ErrnoException) => resolve({ status: 0, ms: performance.now() - started, error: error.code ?? error.message }));
      });
      req.on('error', (error: NodeJS.ErrnoException) => resolve({ status: 0, ms: performance.now() - started, error: error.code ?? error.message }));
      req.end(body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
