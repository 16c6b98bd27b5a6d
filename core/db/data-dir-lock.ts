import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { ConfigError } from '../config-error.ts';

/** The embedded database is owned by another live process (it started the server and will stop it). */
export class DataDirInUseError extends ConfigError {
  override name = 'DataDirInUseError';
  constructor(readonly dataDir: string, readonly pid: number) {
    super(`The embedded database at ${dataDir} is in use by ${pid === process.pid ? 'this process (opened twice?)' : `process ${pid}`}. Stop it first, or choose another data directory.`);
  }
}

/**
 * Claims an embedded database directory for this process via `<dataDir>.lock` holding our
 * pid: the owner starts the server and stops it. A lock left by a dead process is taken
 * over. Returns the release function.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = `${dataDir}.lock`;
  const release = async () => rm(path, { force: true });
  if (await tryCreate(path)) return release;
  const holder = lockHolder(dataDir);
  if (holder !== undefined) throw new DataDirInUseError(dataDir, holder);
  await rm(path, { force: true });
  if (await tryCreate(path)) return release;
  throw new DataDirInUseError(dataDir, lockHolder(dataDir) ?? 0);
}

/** The live process holding the directory's lock, if any. */
export function lockHolder(dataDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(`${dataDir}.lock`, 'utf8').trim());
  } catch {
    return undefined;
  }
  return isAlive(pid) ? pid : undefined;
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    await writeFile(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Whether a process with this id exists (EPERM: it does, but belongs to someone else). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
