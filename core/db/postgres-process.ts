/**
 * How ouen runs PostgreSQL's programs (initdb, the server): as which account, with what
 * environment, logging to `<dataDir>.log`, and how to read the end of that log when
 * something fails.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chownSync, closeSync, openSync, readFileSync } from 'node:fs';
import { ConfigError } from '../config-error.ts';
import type { ServerAccount } from './server-account.ts';

/**
 * Starts one of PostgreSQL's programs with its output appended to `<dataDir>.log`
 * (mode 0600, owned by `account` when ouen runs as root), as `account`, with
 * {@link serverEnv}. `detached` puts it in a process group of its own.
 */
export function spawnLogged(program: string, args: string[], dataDir: string, account: ServerAccount | undefined, options: Pick<SpawnOptions, 'detached'> = {}): ChildProcess {
  const logPath = `${dataDir}.log`;
  const log = openSync(logPath, 'a', 0o600);
  try {
    if (account) chownSync(logPath, account.uid, account.gid);
    return spawn(program, args, { ...options, stdio: ['ignore', log, log], env: serverEnv(), ...(account ? { uid: account.uid, gid: account.gid } : {}) });
  } finally {
    closeSync(log);
  }
}

/** Runs a program to its end (initdb); a failure is reported with the end of the log. */
export function runLogged(program: string, args: string[], dataDir: string, account: ServerAccount | undefined, failure: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawnLogged(program, args, dataDir, account);
    child.once('error', reject);
    child.once('exit', (code) => code === 0
      ? resolve()
      : reject(new ConfigError(`${failure}; its log ${dataDir}.log ends with:\n${logTail(dataDir)}`)));
  });
}

/** The last lines of `<dataDir>.log`, indented, for an error message. */
export function logTail(dataDir: string): string {
  try {
    return readFileSync(`${dataDir}.log`, 'utf8').trimEnd().split('\n').slice(-8).map((line) => `  ${line}`).join('\n');
  } catch {
    return '  (no log)';
  }
}

/** Messages in English whatever the machine's locale, and no stray PG* variables. */
function serverEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PG')));
  return { ...env, LC_ALL: 'C' };
}

