/**
 * `ouen <command>` in a child process of its own (bin/ouen.mjs, as an operator runs it),
 * its JSON log lines readable as they come: for tests of several processes on one
 * PostgreSQL and Redis, and of how a process stops.
 *
 * @example
 * const web = await spawnOuen('web', env);
 * await web.logged((line) => line.msg === 'ouen stopping');
 * expect(await web.stop()).toBe(0);
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'ouen.mjs');

export type LogRecord = Record<string, unknown>;

export interface OuenProcess {
  /** The `ouen started` line. */
  started: LogRecord;
  /** Every JSON line logged so far. */
  records: LogRecord[];
  /** Resolves with the first line (logged already or later) that `match` accepts. */
  logged(match: (record: LogRecord) => boolean): Promise<LogRecord>;
  /** Sends `signal` (SIGTERM unless told) without waiting. */
  signal(signal?: NodeJS.Signals): void;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  kill(): void;
}

/** Every process spawned and not yet exited, for an afterAll to SIGKILL. */
export const runningOuen = new Set<OuenProcess>();

export async function spawnOuen(command: 'web' | 'worker' | 'start', env: NodeJS.ProcessEnv): Promise<OuenProcess> {
  const child = spawn(process.execPath, [bin, command], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const records: LogRecord[] = [];
  const waiters: Array<{ match: (record: LogRecord) => boolean; resolve: (record: LogRecord) => void }> = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const record = parseJson(line);
    if (!record) return;
    records.push(record);
    for (const waiter of waiters.filter((w) => w.match(record))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(record);
    }
  });
  const logged = (match: (record: LogRecord) => boolean) => {
    const seen = records.find(match);
    return seen ? Promise.resolve(seen) : new Promise<LogRecord>((resolve) => waiters.push({ match, resolve }));
  };
  const started = await Promise.race([
    logged((record) => record.msg === 'ouen started'),
    exited.then((code) => Promise.reject(new Error(`ouen ${command} exited with ${code} before it started: ${stderr}`))),
  ]);
  const proc: OuenProcess = {
    started, records, logged, exited,
    signal: (signal = 'SIGTERM') => void child.kill(signal),
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
    kill: () => void child.kill('SIGKILL'),
  };
  runningOuen.add(proc);
  void exited.then(() => runningOuen.delete(proc));
  return proc;
}

function parseJson(line: string): LogRecord | undefined {
  try {
    return JSON.parse(line) as LogRecord;
  } catch {
    return undefined;
  }
}
