import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, readMigrationFiles, type Database } from '../../core/db/index.ts';
import { isAlive } from '../../core/db/owner-lock.ts';
import { serverIdentity } from '../../core/db/postmaster-pid.ts';
import { scratchDir } from '../support/scratch-dir.ts';

const serverPid = (dataDir: string) => Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);

describe('openDatabase without a DATABASE_URL', () => {
  let scratch: string;
  let dataDir: string;
  let db: Database | undefined;

  beforeAll(async () => {
    scratch = await scratchDir('ouen-embedded-');
    dataDir = join(scratch, 'postgres');
  });

  afterAll(async () => {
    await db?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('creates a PostgreSQL cluster on first open, migrates it, and says it created it', async () => {
    const steps: string[] = [];
    db = await openDatabase({ dataDir, onProgress: (step) => steps.push(step) });

    expect(db.mode).toBe('embedded');
    expect(db.created).toBe(true);
    expect(db.connectionString).toMatch(/^postgresql:\/\/postgres:[0-9a-f]{48}@127\.0\.0\.1:\d+\/postgres$/);
    expect(db.migrationsApplied).toEqual((await readMigrationFiles()).map((file) => file.name));
    expect(steps).toEqual(['creating the local database (first start only)', 'starting the local database', `applied ${db.migrationsApplied.length} database migration(s)`]);
    expect((await stat(`${dataDir}.password`)).mode & 0o777).toBe(0o600);
  });

  it('serves Prisma through several connections at once, each its own session', async () => {
    await db!.prisma.participant.create({ data: { lineUserId: 'U-embedded' } });
    const counts = await Promise.all([1, 2, 3, 4, 5, 6].map(() => db!.prisma.participant.count()));
    expect(counts).toEqual([1, 1, 1, 1, 1, 1]);
    const pids = await Promise.all([1, 2, 3].map(() => db!.prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<Array<{ pid: number }>>`SELECT pg_backend_pid() AS pid, pg_sleep(0.05)::text AS slept`;
      return row!.pid;
    })));
    expect(new Set(pids).size).toBe(3);
  });

  it('refuses a password-less connection', async () => {
    const url = new URL(db!.connectionString);
    url.password = '';
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: url.href });
    await expect(client.connect()).rejects.toThrow(/password/);
    await client.end().catch(() => undefined);
  });

  it('applies the hand-written AuditLog trigger too', async () => {
    await db!.prisma.auditLog.create({
      data: { actor: 'system', action: 'test', entity: 'Test', entityId: '1', prevHash: '0', hash: 'h' },
    });
    await expect(db!.prisma.auditLog.deleteMany()).rejects.toThrow(/append-only/);
  });

  it('refuses a second owner of the same data directory, and lets a second process share the running server', async () => {
    await expect(openDatabase({ dataDir })).rejects.toThrow(/in use by this process/);
    // The lock names this process, which is alive: to the "other process" it is a running ouen.
    const shared = await openDatabase({ dataDir, shareRunning: true, poolSize: 1 });
    try {
      expect(shared.sharedWith).toBe(process.pid);
      expect(await shared.prisma.participant.count()).toBe(1);
    } finally {
      await shared.close();
    }
    expect(await db!.prisma.participant.count()).toBe(1);
  });

  it('stops the server on close and keeps the data for the next open', async () => {
    const pid = serverPid(dataDir);
    await db!.close();
    expect(isAlive(pid)).toBe(false);
    db = await openDatabase({ dataDir });

    expect(db.created).toBe(false);
    expect(db.migrationsApplied).toEqual([]);
    expect(await db.prisma.participant.findMany({ select: { lineUserId: true } })).toEqual([{ lineUserId: 'U-embedded' }]);
  });

  it('takes over a server whose owner died without stopping it', async () => {
    const pid = serverPid(dataDir);
    // What a SIGKILL of the owner leaves: the server still running, the lock's holder gone.
    await db!.prisma.$disconnect();
    await rm(`${dataDir}.lock`);
    db = await openDatabase({ dataDir });

    expect(serverPid(dataDir)).toBe(pid);
    expect(await db.prisma.participant.count()).toBe(1);
  });

  it('starts at once when an old postmaster.pid names another live process, even another cluster\'s server, and leaves it alone', async () => {
    const otherDir = join(scratch, 'other', 'postgres');
    const other = await openDatabase({ dataDir: otherDir, migrate: false, poolSize: 1 });
    try {
      const otherPid = serverPid(otherDir);
      expect(serverIdentity(serverPid(dataDir), dataDir)).toBe('this');
      expect(serverIdentity(otherPid, dataDir)).toBe('other');
      expect(serverIdentity(process.pid, dataDir)).toBe('other');
      for (const stale of [readFileSync(join(otherDir, 'postmaster.pid'), 'utf8'), `${process.pid}\n${dataDir}\n`]) {
        await db!.close();
        // What a machine restarted after a crash can leave: a pid now used by another program.
        writeFileSync(join(dataDir, 'postmaster.pid'), stale);
        const steps: string[] = [];
        db = await openDatabase({ dataDir, onProgress: (step) => steps.push(step) });

        expect(steps).toEqual(['starting the local database']);
        expect(serverPid(dataDir)).not.toBe(otherPid);
        expect(await db.prisma.participant.count()).toBe(1);
        expect(isAlive(otherPid)).toBe(true);
      }
      expect(await other.prisma.$queryRaw<Array<{ one: number }>>`SELECT 1 AS one`).toEqual([{ one: 1 }]);
    } finally {
      await other.close();
    }
  });

  it('runs as root too: its server account may pass ouen\'s own 0700 data directory, and nothing more is opened', async () => {
    const own = join(scratch, 'own');
    await mkdir(own, { mode: 0o700 });
    const second = await openDatabase({ dataDir: join(own, 'postgres'), migrate: false, poolSize: 1 });
    try {
      expect(second.created).toBe(true);
      expect(await second.prisma.$queryRaw<Array<{ one: number }>>`SELECT 1 AS one`).toEqual([{ one: 1 }]);
      expect((await stat(own)).mode & 0o007).toBe(0);
    } finally {
      await second.close();
    }
  });

  it('says so when asked not to create a database where there is none', async () => {
    await expect(openDatabase({ dataDir: join(scratch, 'elsewhere', 'postgres'), create: false })).rejects.toThrow(/There is no local database at .*elsewhere/);
  });
});
