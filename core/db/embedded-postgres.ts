/**
 * Local mode's own PostgreSQL, without installing it: the server programs from npm
 * (postgres-binaries.ts), a cluster under the data directory (postgres-cluster.ts), the
 * server run as a child process (postgres-server.ts) by the one process that owns the
 * directory (data-dir-lock.ts), taken over when an owner died and left it running
 * (server-left-running.ts), and shared with other processes, such as the `ouen` command,
 * while it runs.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../config-error.ts';
import { lockDataDir, lockHolder } from './data-dir-lock.ts';
import { clusterPassword, createCluster, isCluster } from './postgres-cluster.ts';
import { serverIn, startServer, stopServer } from './postgres-server.ts';
import { assertReachable, serverAccount } from './server-account.ts';
import { takeOverLeftRunning } from './server-left-running.ts';


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
  /** How to connect, with the cluster's password, while it runs. */
  connectionString: string;
  /** Whether this start created the cluster (the first start on this data directory). */
  created: boolean;
  /** Stops the server (fast shutdown) and releases the directory. */
  stop(): Promise<void>;
}

/**
 * Takes ownership of `dataDir` and runs its server: creates the cluster on first start,
 * takes over a server an owner that died (SIGKILL) left running, or starts one. The
 * returned `stop` stops the server and lets go of the directory.
 *
 * @throws {DataDirInUseError} when another live process owns the directory.
 * @example
 * const pg = await startEmbeddedPostgres({ dataDir: 'data/postgres' });
 * try { … pg.connectionString … } finally { await pg.stop(); }
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir);
  const progress = options.onProgress ?? (() => undefined);
  await mkdir(dirname(dataDir), { recursive: true });
  const account = serverAccount();
  assertReachable(dataDir, account);
  const unlock = lockDataDir(dataDir);
  try {
    const created = !isCluster(dataDir);
    if (created) {
      progress('creating the local database (first start only)');
      await createCluster(dataDir, account);
    }
    const password = clusterPassword(dataDir);
    const left = await takeOverLeftRunning(dataDir, password);
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
          unlock();
        }
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

/**
 * The server of the process that owns `dataDir` (a running `ouen start`), if it is up:
 * how to connect to it, and the owner's pid. Undefined when no live process owns it.
 *
 * @throws {ConfigError} when the owner is alive but its server is not ready (starting or stopping).
 */
export async function runningEmbeddedPostgres(dataDir: string): Promise<{ connectionString: string; owner: number } | undefined> {
  const owner = lockHolder(dataDir);
  if (owner === undefined) return undefined;
  const server = await serverIn(dataDir, clusterPassword(dataDir));
  if (!server) throw new ConfigError(`ouen (process ${owner}) is starting or stopping the local database at ${dataDir}; try again in a moment`);
  return { connectionString: server.connectionString, owner };
}
