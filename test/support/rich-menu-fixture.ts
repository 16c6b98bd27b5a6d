/**
 * For rich-menu tests: a fresh PostgreSQL database, the fake LINE platform on a port of
 * its own, and ouen's rich-menu client pointed at it.
 *
 * @example
 * const f = await startRichMenuFixture();
 * const { participantId, lineUserId } = await f.participant({ application: 'submitted' });
 * await f.close();
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import { createFakeLineApi, type FakeLineStore, type RecordedApiRequest } from '../../bot/console/fake-line-api.ts';
import type { LineApiConfig } from '../../channels/line/line-api.ts';
import { LineRichMenuApi } from '../../channels/line/rich-menu-api.ts';
import { sqlClient, transactOn } from '../../core/db/pg-transaction.ts';
import type { SqlClient, Transact } from '../../core/db/types.ts';
import { loadProgram, type Program } from '../../core/program/load-program.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export interface RichMenuFixture {
  db: TestDatabase;
  sql: SqlClient;
  transact: Transact;
  program: Program;
  line: FakeLineStore;
  config: LineApiConfig;
  api: LineRichMenuApi;
  /** A user on the fake platform and their participant row, with an application in the program's contest if asked. */
  participant(options?: { application?: 'draft' | 'submitted' | 'withdrawn'; unreachable?: boolean }): Promise<{ participantId: string; lineUserId: string }>;
  /** Many at once, by SQL: `count` applicants with submitted applications. */
  applicants(count: number): Promise<string[]>;
  /** Requests to LINE's rich-menu endpoints, in order. */
  richMenuRequests(): RecordedApiRequest[];
  close(): Promise<void>;
}

export async function startRichMenuFixture(): Promise<RichMenuFixture> {
  const db = await createTestDatabase();
  const program = loadProgram();
  const token = randomBytes(24).toString('base64url');
  const fake = createFakeLineApi({ channelAccessToken: token });
  const server = await new Promise<Server>((resolve) => {
    const s = express().use(fake.router).listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const config = { channelAccessToken: token, apiBaseUrl: base, dataApiBaseUrl: base };
  const line = fake.store;
  const contest = program.contest;
  await db.prisma.contest.create({ data: { id: contest.id, name: contest.name.ja, receiptPrefix: contest.receiptPrefix, opensAt: new Date(contest.opensAt), deadline: new Date(contest.deadline) } });
  const sql = sqlClient(db.sql);
  return {
    db, sql, transact: transactOn(db.sql), program, line, config, api: new LineRichMenuApi(config),
    participant: async ({ application, unreachable = false } = {}) => {
      const { userId } = line.createUser({ displayName: 'テスト', language: 'ja' });
      const participant = await db.prisma.participant.create({ data: { lineUserId: userId, unreachableAt: unreachable ? new Date() : null } });
      if (application) {
        await db.prisma.application.create({ data: { id: randomUUID(), contestId: contest.id, participantId: participant.id, status: application, answersSealed: 'x' } });
      }
      return { participantId: participant.id, lineUserId: userId };
    },
    applicants: async (count) => {
      const userIds = Array.from({ length: count }, () => line.createUser({ displayName: 'テスト', language: 'ja' }).userId);
      await sql.run`
        WITH p AS (
          INSERT INTO "Participant" ("id", "lineUserId", "language", "createdAt", "updatedAt")
          SELECT gen_random_uuid(), u, 'ja', now(), now() FROM unnest(${userIds}::text[]) AS u
          RETURNING "id")
        INSERT INTO "Application" ("id", "contestId", "participantId", "status", "answersSealed", "updatedAt")
        SELECT gen_random_uuid(), ${contest.id}, p."id", 'submitted', 'x', now() FROM p`;
      return userIds;
    },
    richMenuRequests: () => line.requests.filter((r) => r.path.includes('richmenu')),
    close: async () => {
      fake.close();
      await new Promise((resolve) => server.close(resolve));
      await db.drop();
    },
  };
}
