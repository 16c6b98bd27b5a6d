/**
 * Local mode's PostgreSQL server process: started by ouen as its child on a free port of
 * 127.0.0.1 with small settings, found again through `postmaster.pid`, and stopped.
 */
import pg from 'pg';
import { ConfigError } from '../config-error.ts';
import { freePort } from '../free-port.ts';
import { connectionStringFor } from './postgres-cluster.ts';
import { postgresBinaries } from './postgres-binaries.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { logTail, spawnLogged } from './postgres-process.ts';
import { readPostmasterPid } from './postmaster-pid.ts';
import { isAlive } from './owner-lock.ts';
import type { ServerAccount } from './server-account.ts';

/** A running server: its process and how to connect to it. */
export interface Server {
  pid: number;
  connectionString: string;
}

/**
 * Kept small for one person trying ouen on a laptop: measured in `npm run bench:local`.
 * No Unix socket (TCP on 127.0.0.1 only, password required); no I/O worker processes;
 * no replication. Server logs leave out statements and details (they could hold
 * personal values).
 */
const SETTINGS: Record<string, string> = {
  listen_addresses: '127.0.0.1',
  unix_socket_directories: '',
  max_connections: '40',
  shared_buffers: '16MB',
  io_method: 'sync',
  wal_level: 'minimal',
  max_wal_senders: '0',
  max_logical_replication_workers: '0',
  autovacuum_max_workers: '1',
  max_parallel_workers_per_gather: '0',
  jit: 'off',
  huge_pages: 'off',
  TimeZone: 'UTC',
  lc_messages: 'C',
  log_min_messages: 'warning',
  log_min_error_statement: 'panic',
  log_error_verbosity: 'terse',
};
/** How long a server may take to say it is ready (a first start on a busy machine is slow). */
export const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const START_ATTEMPTS = 3;
/** How often `postmaster.pid` is read while waiting. */
export const POLL_MS = 50;

/**
 * Starts the server of the cluster in `dataDir` (absolute) as this process's child, in a
 * process group of its own: Ctrl+C in a terminal reaches ouen alone, which stops the
 * server after closing its connections. Ready when `postmaster.pid` says so.
 */
export async function startServer(dataDir: string, password: string, account: ServerAccount | undefined): Promise<Server> {
  const { postgres } = postgresBinaries();
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const settings = Object.entries({ ...SETTINGS, port: String(port) }).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
    const child = spawnLogged(postgres, ['-D', dataDir, ...settings], dataDir, account, { detached: true });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.once('error', () => undefined);
    const ready = await waitReady(dataDir, child.pid ?? -1, exited);
    if (ready) return { pid: child.pid!, connectionString: connectionStringFor(port, password) };
    // Most likely the port was taken between choosing and binding it: choose again.
    if (attempt >= START_ATTEMPTS) {
      throw new ConfigError(`the local database server did not start; its log ${dataDir}.log ends with:\n${logTail(dataDir)}`);
    }
  }
}

/** Stops a server: PostgreSQL's fast shutdown (sessions end, a checkpoint is written), then its immediate one. */
export async function stopServer(pid: number): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(pid) && Date.now() < deadline) await sleep(POLL_MS);
  if (isAlive(pid)) process.kill(pid, 'SIGQUIT');
}

/** The server recorded in `postmaster.pid`, when it says it is ready and answers with this cluster's password. */
export async function serverIn(dataDir: string, password: string): Promise<Server | undefined> {
  const status = readPostmasterPid(dataDir);
  if (!status || status.status !== 'ready' || !isAlive(status.pid)) return undefined;
  const connectionString = connectionStringFor(status.port, password);
  return (await answers(connectionString)) ? { pid: status.pid, connectionString } : undefined;
}

async function waitReady(dataDir: string, pid: number, exited: Promise<number | null>): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!gone && Date.now() < deadline) {
    const status = readPostmasterPid(dataDir);
    if (status?.pid === pid && status.status === 'ready') return true;
    await sleep(POLL_MS);
  }
  if (!gone) await stopServer(pid);
  return false;
}

async function answers(connectionString: string): Promise<boolean> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
