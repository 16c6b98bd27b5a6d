/**
 * What PostgreSQL's `postmaster.pid` says about a cluster's server, and whether the
 * process it names really is that server. The file outlives a server killed hard, and
 * its pid may since belong to anything: another program, or another PostgreSQL (the
 * machine's own). Only a process whose command line names this data directory is taken
 * for its server.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/** Lines 1, 4 and 8 of `postmaster.pid`: the server's pid, its port, and its status (`ready`, `starting`, `stopping`). */
export interface PostmasterStatus {
  pid: number;
  port: number;
  status: string;
}

/**
 * What a process is to a data directory: `this` (its server, confirmed from the command
 * line), `other` (confirmed something else), `unknown` (the command line cannot be read here).
 */
export type ServerIdentity = 'this' | 'other' | 'unknown';

/** `postmaster.pid` in `dataDir`, if there is one. */
export function readPostmasterPid(dataDir: string): PostmasterStatus | undefined {
  try {
    const lines = readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n');
    return { pid: Number(lines[0]), port: Number(lines[3]), status: (lines[7] ?? '').trim() };
  } catch {
    return undefined;
  }
}

/**
 * Whether process `pid` is the server of `dataDir`: the postmaster keeps the command line
 * it was started with (`postgres -D <dataDir> …`), read from `/proc` on Linux and from
 * `ps` elsewhere. `other` only when that is certain: the process names another data
 * directory by its full path, or is not PostgreSQL at all. A PostgreSQL whose data
 * directory cannot be told (relative, or from its environment), or a process whose
 * command line cannot be read (Windows, a `/proc` hiding other users'), is `unknown`.
 */
export function serverIdentity(pid: number, dataDir: string): ServerIdentity {
  const names = namesOf(dataDir);
  const args = procArgs(pid);
  const command = args ? undefined : psCommand(pid);
  if (!args && command === undefined) return 'unknown';
  const named = args ? dataDirArg(args) : dataDirInCommand(command!, names);
  if (named !== undefined) {
    if (names.has(canonical(named))) return 'this';
    return isAbsolute(named) ? 'other' : 'unknown';
  }
  return /postgres|postmaster/i.test(args ? args[0] ?? '' : command!) ? 'unknown' : 'other';
}

/** The data directory in a server's arguments: `-D <dir>` or `-D<dir>`. */
function dataDirArg(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-D') return args[i + 1];
    if (args[i]!.startsWith('-D')) return args[i]!.slice(2);
  }
  return undefined;
}

/**
 * The data directory in a command line that `ps` joined with spaces: one of ours if it is
 * there verbatim (a path may hold spaces), else what follows `-D ` up to the next option.
 */
function dataDirInCommand(command: string, names: Set<string>): string | undefined {
  for (const name of names) if (command.includes(`-D ${name} `) || command.endsWith(`-D ${name}`)) return name;
  const match = / -D ?(.+?)(?= -|$)/.exec(command);
  return match?.[1]?.trim();
}

/** The arguments of a process (NUL-separated in `/proc/<pid>/cmdline`), or undefined without `/proc`. */
function procArgs(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg, i, all) => arg !== '' || i < all.length - 1);
  } catch {
    return undefined;
  }
}

/** `ps`'s full command line of a process (`-ww`: never cut to a width). */
function psCommand(pid: number): string | undefined {
  if (process.platform === 'win32') return undefined;
  try {
    const command = execFileSync('ps', ['-ww', '-o', 'command=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 }).trim();
    return command === '' ? undefined : command;
  } catch {
    return undefined;
  }
}

/** The spellings of a directory a command line may carry: as given, and with symbolic links resolved. */
function namesOf(dataDir: string): Set<string> {
  return new Set([resolve(dataDir), canonical(dataDir)]);
}

function canonical(path: string): string {
  if (!isAbsolute(path)) return path;
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}
