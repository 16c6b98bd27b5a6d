/**
 * A TCP port nobody listens on right now, found by listening on port 0 and letting go.
 * Another process can take it before the caller listens; callers that cannot tolerate
 * that say so when listening fails (EADDRINUSE).
 */
import { createServer } from 'node:net';

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
