/**
 * Who owns local mode's database directory: the process holding `<dataDir>.lock` (an
 * owner lock, owner-lock.ts) starts the server, and stops it. Others may only use the
 * owner's running server.
 */
import { ConfigError } from '../config-error.ts';
import { claimOwnerLock, ownerOf } from './owner-lock.ts';

/** The embedded database is owned by another live process (it started the server and will stop it). */
export class DataDirInUseError extends ConfigError {
  override name = 'DataDirInUseError';
  constructor(readonly dataDir: string, readonly pid: number) {
    super(`The embedded database at ${dataDir} is in use by ${pid === process.pid ? 'this process (opened twice?)' : `process ${pid}`}. Stop it first, or choose another data directory.`);
  }
}

/**
 * Claims an embedded database directory for this process via `<dataDir>.lock`: the
 * owner starts the server and stops it. A lock left by a dead process is taken over, by
 * exactly one of the processes that try at once. Returns the release function.
 *
 * @throws {DataDirInUseError} when a live process owns the directory.
 */
export function lockDataDir(dataDir: string): () => void {
  const claim = claimOwnerLock(`${dataDir}.lock`);
  if (!claim.owned) throw new DataDirInUseError(dataDir, claim.holder);
  return claim.release;
}

/** The live process owning the database directory, if any. */
export function lockHolder(dataDir: string): number | undefined {
  return ownerOf(`${dataDir}.lock`);
}
