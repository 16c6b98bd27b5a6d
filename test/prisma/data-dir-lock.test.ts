import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir, lockHolder } from '../../core/db/data-dir-lock.ts';
import { isAlive } from '../../core/db/owner-lock.ts';
import type { ContenderReport } from './lock-contender.ts';

const CONTENDERS = 6;
const RUNS = 40;

describe('lockDataDir', () => {
  let scratch: string;
  let deadPid: number;
  const contenders: ChildProcess[] = [];

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'ouen-lock-'));
    deadPid = spawnSync('true').pid!;
    expect(isAlive(deadPid)).toBe(false);
    for (let i = 0; i < CONTENDERS; i++) {
      const child = fork(join(import.meta.dirname, 'lock-contender.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      contenders.push(child);
    }
    await Promise.all(contenders.map((child) => next(child)));
  });

  afterAll(async () => {
    for (const child of contenders) child.kill();
    await rm(scratch, { recursive: true, force: true });
  });

  it('lets exactly one of many processes take over a stale lock at once, and the others name it as the owner', async () => {
    for (let run = 0; run < RUNS; run++) {
      const dataDir = join(scratch, `postgres-${run}`);
      // What an owner killed with SIGKILL leaves behind (the format of earlier versions too).
      writeFileSync(`${dataDir}.lock`, `${deadPid}\n`);
      const at = Date.now() + 40;
      const reports = await Promise.all(contenders.map((child) => {
        child.send({ dataDir, at });
        return next<ContenderReport>(child);
      }));

      const winners = reports.filter((report) => report.won);
      expect(winners, `run ${run}`).toHaveLength(1);
      const owner = winners[0]!.pid;
      expect(reports.filter((report) => !report.won)).toEqual(
        reports.filter((report) => report.pid !== owner).map((report) => ({ won: false, pid: report.pid, error: 'DataDirInUseError', holder: owner })),
      );
      expect(lockHolder(dataDir)).toBe(owner);
      const winner = contenders.find((child) => child.pid === owner)!;
      winner.send('release');
      await next(winner);
      expect(lockHolder(dataDir)).toBeUndefined();
    }
  }, 120_000);

  it('refuses a directory a live process owns, and takes it back once released', () => {
    const dataDir = join(scratch, 'owned');
    const release = lockDataDir(dataDir);
    expect(readFileSync(`${dataDir}.lock`, 'utf8')).toMatch(new RegExp(`^${process.pid} [0-9a-f]{16}\\n$`));
    expect(() => lockDataDir(dataDir)).toThrow(DataDirInUseError);
    release();
    expect(lockHolder(dataDir)).toBeUndefined();
    lockDataDir(dataDir)();
  });

  it('leaves a lock that is no longer its own when released (it was taken over after all)', () => {
    const dataDir = join(scratch, 'taken');
    const release = lockDataDir(dataDir);
    writeFileSync(`${dataDir}.lock`, '1 someone-else\n');
    release();
    expect(readFileSync(`${dataDir}.lock`, 'utf8')).toBe('1 someone-else\n');
  });
});

function next<T = unknown>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const exited = (code: number | null) => reject(new Error(`contender exited (${code})`));
    child.once('exit', exited);
    child.once('message', (message) => {
      child.off('exit', exited);
      resolve(message as T);
    });
  });
}
