import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, readMigrationFiles, type Database } from '../../core/db/index.ts';

describe('openDatabase without a DATABASE_URL', () => {
  let scratch: string;
  let dataDir: string;
  let db: Database | undefined;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'ouen-pglite-'));
    dataDir = join(scratch, 'pglite');
  });

  afterAll(async () => {
    await db?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('creates and migrates an embedded PGlite database', async () => {
    db = await openDatabase({ dataDir });

    expect(db.mode).toBe('embedded');
    expect(db.connectionString).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    expect(db.migrationsApplied).toEqual((await readMigrationFiles()).map((file) => file.name));
  });

  it('serves Prisma through several connections at once', async () => {
    await db!.prisma.participant.create({ data: { lineUserId: 'U-embedded' } });
    const counts = await Promise.all([1, 2, 3, 4, 5, 6].map(() => db!.prisma.participant.count()));
    expect(counts).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('applies the hand-written AuditLog trigger too', async () => {
    await db!.prisma.auditLog.create({
      data: { actor: 'system', action: 'test', entity: 'Test', entityId: '1', prevHash: '0', hash: 'h' },
    });
    await expect(db!.prisma.auditLog.deleteMany()).rejects.toThrow(/append-only/);
  });

  it('refuses a second open of the same data directory', async () => {
    await expect(openDatabase({ dataDir })).rejects.toThrow(/in use by this process/);
  });

  it('keeps the data after close and reopen', async () => {
    await db!.close();
    db = await openDatabase({ dataDir });

    expect(db.migrationsApplied).toEqual([]);
    expect(await db.prisma.participant.findMany({ select: { lineUserId: true } })).toEqual([{ lineUserId: 'U-embedded' }]);
  });
});
