/**
 * Local mode opened to the network on purpose (`OUEN_HOST=0.0.0.0`, to show the console
 * on a projector, say): the console answers from other machines, the login-free staff
 * panel, which shows who applied, still does not, and a warning is logged.
 */
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOuen, type RunningOuen } from '../../cli/start-ouen.ts';
import { parseEnv } from '../../core/env.ts';
import { freePort } from '../../core/free-port.ts';
import { createLogger } from '../../core/logger.ts';
import { captureLogs } from '../support/capture-logs.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { obliterateQueue } from '../support/ouen-harness.ts';
import { scratchDir } from '../support/scratch-dir.ts';

/** This machine's address on its network (this machine type has one: eth0). */
const outward = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

describe.skipIf(!outward)('local mode on the network', () => {
  const { lines: logLines, stream: logs } = captureLogs();
  let db: TestDatabase;
  let ouen: RunningOuen;
  const prefix = `ouen-network-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    const port = await freePort('0.0.0.0');
    const env = parseEnv({
      PORT: String(port), OUEN_HOST: '0.0.0.0', OUEN_PUBLIC_URL: `http://${outward}:${port}`, DATABASE_URL: db.connectionString, OUEN_DATA_DIR: await scratchDir('ouen-network-'),
      OUEN_QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn',
    });
    ouen = await startOuen({ env, web: true, worker: false, logger: createLogger('warn', logs) });
  }, 60_000);

  afterAll(async () => {
    await ouen?.close();
    await db?.drop();
    await obliterateQueue('redis://127.0.0.1:6379', prefix);
  });

  /** A request to `address`, naming `host` as its Host (a forged one, if need be). */
  const from = (address: string, host: string, path: string, body?: unknown) => new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: address, port: ouen.port, path, method: body === undefined ? 'GET' : 'POST', headers: { host, 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
  const stats = { role: 'admin', line: '/stats' };

  it('serves the console to another machine at its public address, but never the staff panel, whatever Host it names', async () => {
    expect((await from(outward!, `${outward}:${ouen.port}`, '/console')).status).toBe(200);
    for (const host of [`${outward}:${ouen.port}`, `localhost:${ouen.port}`]) {
      const staff = await from(outward!, host, '/console/api/staff', stats);
      expect(staff.status).toBe(403);
      expect(staff.body).toContain('not from this machine');
    }
    expect((await from('127.0.0.1', `localhost:${ouen.port}`, '/console/api/staff', stats)).status).toBe(200);
  });

  it('warns that the console has no login when it listens beyond this machine', () => {
    expect(logLines.some((line) => line.includes('local mode listens beyond this machine'))).toBe(true);
  });
});
