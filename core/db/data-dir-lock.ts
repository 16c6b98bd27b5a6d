import { readFile, rm, writeFile } from 'node:fs/promises';

/**
 * Claims a PGlite data directory for this process via `<dataDir>.lock` holding our pid.
 * PGlite itself does not lock: two processes (or two opens in one process) on the same
 * directory silently corrupt it. A lock left by a dead process is taken over.
 * Returns the release function.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = `${dataDir}.lock`;
  const release = async () => rm(path, { force: true });
  if (await tryCreate(path)) return release;
  const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
  if (isAlive(holder)) throw dataDirInUse(dataDir, holder);
  await rm(path, { force: true });
  if (await tryCreate(path)) return release;
  throw dataDirInUse(dataDir, Number(await readFile(path, 'utf8').catch(() => '')));
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function dataDirInUse(dataDir: string, pid: number): Error {
  const who = pid === process.pid ? 'this process (opened twice?)' : `process ${pid}`;
  return new Error(`The embedded database at ${dataDir} is in use by ${who}. Stop it first, or choose another data directory.`);
}
