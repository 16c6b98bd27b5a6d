/**
 * The approvals migration keeps what was there: a judging publication awaiting approval,
 * with its decisions and held messages, becomes an approval of kind `judging-results`
 * whose rows stay held under the same id, and an approved one keeps its answer.
 */
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../core/db/migrations/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const MIGRATIONS = join(import.meta.dirname, '..', '..', 'prisma', 'migrations');
const APPROVALS = '20261201213000_approvals';
const ids = {
  participant: '00000000-0000-4000-8000-000000000001', application: '00000000-0000-4000-8000-000000000002',
  awaiting: '00000000-0000-4000-8000-000000000003', approved: '00000000-0000-4000-8000-000000000004',
  send: '00000000-0000-4000-8000-000000000005', held: '00000000-0000-4000-8000-000000000006',
};

let db: TestDatabase;
let before: string;
let client: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  before = await mkdtemp(join(tmpdir(), 'ouen-migrations-'));
  for (const entry of await readdir(MIGRATIONS)) {
    if (entry !== APPROVALS && entry !== 'schema.prisma.snapshot') await cp(join(MIGRATIONS, entry), join(before, entry), { recursive: true });
  }
  await applyMigrations(db.connectionString, { migrationsDir: before });
  client = new pg.Client({ connectionString: db.connectionString });
  await client.connect();
  await client.query(`
    INSERT INTO "Participant" ("id", "lineUserId", "updatedAt") VALUES ('${ids.participant}', 'U0123', now());
    INSERT INTO "Contest" ("id", "name", "receiptPrefix", "opensAt", "deadline", "updatedAt") VALUES ('c', 'c', 'BC', now(), now(), now());
    INSERT INTO "Application" ("id", "contestId", "participantId", "status", "receiptNumber", "answersSealed", "updatedAt")
      VALUES ('${ids.application}', 'c', '${ids.participant}', 'submitted', 'BC-0001', 'x', now());
    INSERT INTO "Publication" ("id", "contestId", "roundId", "status", "draftedBy", "draftedAt", "decidedBy", "decidedAt", "messages")
      VALUES ('${ids.awaiting}', 'c', 'document', 'awaiting', 'discord:1', now(), NULL, NULL, 1),
             ('${ids.approved}', 'c', 'presentation', 'approved', 'discord:1', now(), 'discord:2', now(), 0);
    INSERT INTO "Decision" ("contestId", "roundId", "applicationId", "outcome", "status", "markedBy", "markedAt", "publicationId")
      VALUES ('c', 'document', '${ids.application}', 'pass', 'awaiting', 'discord:1', now(), '${ids.awaiting}');
    INSERT INTO "Send" ("id", "kind", "label", "createdBy", "createdAt") VALUES ('${ids.send}', 'decision:document', 'results:document', 'discord:1', now());
    INSERT INTO "OutboxMessage" ("id", "participantId", "contentSealed", "contentHash", "retryKey", "kind", "status", "publicationId", "sendId")
      VALUES ('${ids.held}', '${ids.participant}', 'x', 'h', gen_random_uuid(), 'decision:document', 'held', '${ids.awaiting}', '${ids.send}');`);
  await applyMigrations(db.connectionString);
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
  if (before) await rm(before, { recursive: true, force: true });
});

describe('the approvals migration', () => {
  it('turns each publication into a judging-results approval, its answer and send kept', async () => {
    const { rows } = await client.query(`SELECT "id", "kind", "subject", "contestId", "roundId", "status", "draftedBy", "decidedBy", "messages", "sendId" FROM "Approval" ORDER BY "roundId"`);
    expect(rows).toEqual([
      { id: ids.awaiting, kind: 'judging-results', subject: 'c:document', contestId: 'c', roundId: 'document', status: 'awaiting', draftedBy: 'discord:1', decidedBy: null, messages: 1, sendId: ids.send },
      { id: ids.approved, kind: 'judging-results', subject: 'c:presentation', contestId: 'c', roundId: 'presentation', status: 'approved', draftedBy: 'discord:1', decidedBy: 'discord:2', messages: 0, sendId: null },
    ]);
  });

  it('keeps the held messages and the decisions under the same approval', async () => {
    expect((await client.query(`SELECT "status", "approvalId" FROM "OutboxMessage"`)).rows).toEqual([{ status: 'held', approvalId: ids.awaiting }]);
    expect((await client.query(`SELECT "status", "approvalId" FROM "Decision"`)).rows).toEqual([{ status: 'awaiting', approvalId: ids.awaiting }]);
  });
});
