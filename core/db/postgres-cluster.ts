/**
 * Local mode's PostgreSQL cluster on disk: created once (initdb) under `dataDir`, with a
 * generated password for its one account kept beside it in `<dataDir>.password`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chown, mkdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { ConfigError } from '../config-error.ts';
import { postgresBinaries } from './postgres-binaries.ts';
import { runLogged } from './postgres-process.ts';
import type { ServerAccount } from './server-account.ts';

const USER = 'postgres';
const DATABASE = 'postgres';

/** Whether `dataDir` holds a cluster (a first start has completed there). */
export function isCluster(dataDir: string): boolean {
  return existsSync(`${dataDir}/PG_VERSION`);
}

/**
 * Creates the cluster in `dataDir` (which must be absent or empty) and its password
 * file. Built aside (`<dataDir>.creating`) and renamed into place, so an interrupted first
 * start leaves no half cluster. Password authentication (scram-sha-256) only.
 */
export async function createCluster(dataDir: string, account: ServerAccount | undefined): Promise<void> {
  const { initdb } = postgresBinaries();
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
    await runLogged(initdb, [
      `--pgdata=${staging}`, `--username=${USER}`, '--auth=scram-sha-256', `--pwfile=${passwordFile}`,
      '--encoding=UTF8', '--locale=C', '--no-instructions',
    ], dataDir, account, 'creating the local database failed');
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

/** The cluster's password, from `<dataDir>.password`. */
export function clusterPassword(dataDir: string): string {
  try {
    return readFileSync(`${dataDir}.password`, 'utf8').trim();
  } catch {
    throw new ConfigError(`the local database at ${dataDir} has lost its password file (${dataDir}.password); restore it, or move the directory away to start afresh`);
  }
}

/** How to reach the cluster's server listening on `port` of 127.0.0.1. */
export function connectionStringFor(port: number, password: string): string {
  return `postgresql://${USER}:${password}@127.0.0.1:${port}/${DATABASE}`;
}
