/**
 * A server that an earlier owner of the data directory left running (it was killed hard,
 * so it never stopped its server): taken over by the next owner, instead of starting a
 * second server on the same files. Only a process confirmed to be this directory's
 * server is taken over or waited for; a `postmaster.pid` naming anything else is stale.
 */
import { rm } from 'node:fs/promises';
import { ConfigError } from '../config-error.ts';
import { isAlive } from './owner-lock.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { POLL_MS, READY_TIMEOUT_MS, serverIn, type Server } from './postgres-server.ts';
import { readPostmasterPid, serverIdentity } from './postmaster-pid.ts';

/**
 * The server left running in `dataDir`, once it answers; undefined when there is none,
 * and a new one must be started. Call only as the directory's owner (data-dir-lock.ts).
 *
 * A `postmaster.pid` whose pid now belongs to another process (confirmed) is removed, so
 * that PostgreSQL, which takes any live pid of its own user for a running server, does
 * not refuse to start. When the process cannot be told apart, the file is left for
 * PostgreSQL to judge.
 *
 * @throws {ConfigError} when this directory's own server does not answer within a minute.
 */
export async function takeOverLeftRunning(dataDir: string, password: string): Promise<Server | undefined> {
  const pid = readPostmasterPid(dataDir)?.pid;
  if (pid === undefined || !isAlive(pid)) return undefined;
  const identity = serverIdentity(pid, dataDir);
  if (identity === 'other') await rm(`${dataDir}/postmaster.pid`, { force: true });
  if (identity !== 'this') return undefined;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const server = await serverIn(dataDir, password);
    if (server) return server;
    if (!isAlive(pid)) return undefined;
    await sleep(POLL_MS * 4);
  }
  throw new ConfigError(`the local database server left running (process ${pid}, ${dataDir}) does not answer; stop it (kill ${pid}) and start again`);
}
