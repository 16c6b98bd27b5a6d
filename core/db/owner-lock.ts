/**
 * An owner lock: a file naming the one live process that owns something on disk (local
 * mode's database directory, the console's journal). The file holds the owner's pid and a
 * random tag, so every claim is distinct; a lock whose pid is dead is stale and may be
 * taken over.
 *
 * Why not "check the holder, delete, create": two processes that both find the lock
 * stale can both delete and both create, each deleting the other's fresh lock. Here:
 * - a lock is created complete (written aside, then hard-linked into place, which fails
 *   when the name exists), so nobody reads a half-written lock and takes it for stale;
 * - a stale lock is removed only by whoever first claims its break token
 *   (`<path>.break-<digest of the stale content>`, itself an owner lock), and only while
 *   the file still holds exactly that stale content. Nobody else removes that content
 *   (its owner is dead; the token is exclusive), so the check and the removal cannot be
 *   overtaken. Then everyone tries the exclusive create again; exactly one succeeds.
 *   Whoever finds the token held by a live process waits a moment and looks again, so it
 *   is refused naming the new owner.
 * A break token (or a `.tmp` file) left by a process killed in the middle is stale like
 * any lock and broken the same way when needed; otherwise it is a harmless stray file.
 * A dead owner's pid reused by an unrelated process makes the lock look held: the safe
 * way to be wrong (the message names that process; remove the lock by hand).
 */
import { createHash, randomBytes } from 'node:crypto';
import { linkSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';

/** The outcome of {@link claimOwnerLock}: owned (with the way to let go), or held by a live process (its pid). */
export type OwnerClaim = { owned: true; release: () => void } | { owned: false; holder: number };

/** Claims re-tried when the lock keeps changing under us; beyond it, something is badly wrong. */
const MAX_ROUNDS = 100;
/** Tokens of tokens are needed only when breakers die mid-takeover; a deeper chain is not a crash pattern. */
const MAX_DEPTH = 4;
const PAUSE_MS = 2;

/**
 * Claims the lock at `path` for this process. A lock held by a live process (this one
 * included) is refused with its holder; one left by a dead process is taken over.
 *
 * @example
 * const claim = claimOwnerLock(`${dataDir}.lock`);
 * if (!claim.owned) throw new Error(`in use by process ${claim.holder}`);
 * try { … } finally { claim.release(); }
 */
export function claimOwnerLock(path: string): OwnerClaim {
  return claim(path, 0);
}

/** The live process holding the lock at `path`, if any. */
export function ownerOf(path: string): number | undefined {
  const content = readLock(path);
  if (content === undefined) return undefined;
  const pid = pidIn(content);
  return isAlive(pid) ? pid : undefined;
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

function claim(path: string, depth: number): OwnerClaim {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const mine = `${process.pid} ${randomBytes(8).toString('hex')}\n`;
    if (createExclusive(path, mine)) return { owned: true, release: () => releaseIfMine(path, mine) };
    const found = readLock(path);
    // Released between our create and our read: try again.
    if (found === undefined) continue;
    const holder = pidIn(found);
    if (isAlive(holder)) return { owned: false, holder };
    // Another live process is taking it over: wait a moment, then see who owns it.
    if (!breakStale(path, found, depth)) pause(PAUSE_MS);
  }
  throw new Error(`could not claim the lock ${path}: it kept changing`);
}

/**
 * Removes the stale lock at `path` if it still holds `stale`. False when another live
 * process holds the break token (it is removing the lock itself).
 */
function breakStale(path: string, stale: string, depth: number): boolean {
  if (depth >= MAX_DEPTH) throw new Error(`could not take over the stale lock ${path}: remove it and its .break- files by hand`);
  const token = claim(`${path}.break-${createHash('sha256').update(stale).digest('hex').slice(0, 16)}`, depth + 1);
  if (!token.owned) return false;
  try {
    if (readLock(path) === stale) unlinkSync(path);
  } finally {
    token.release();
  }
  return true;
}

/** A takeover holds its token for a few system calls: a short synchronous wait is enough. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Writes `content` aside, then links it into place: the name appears complete, and only if it was free. */
function createExclusive(path: string, content: string): boolean {
  const aside = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(aside, content, { flag: 'wx', mode: 0o600 });
  try {
    linkSync(aside, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(aside, { force: true });
  }
}

/** Only our own claim is removed: a lock that is no longer ours (taken over after all) stays. */
function releaseIfMine(path: string, mine: string): void {
  if (readLock(path) === mine) rmSync(path, { force: true });
}

function readLock(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The pid a lock names (`<pid> <tag>`; earlier versions wrote the pid alone). */
function pidIn(content: string): number {
  return Number(content.trim().split(/\s+/)[0]);
}
