/**
 * Staff commands through real discord.js against the fake Discord, on real PostgreSQL:
 * the answer, the permission check on the server, and the audited refusal.
 */
import { MessageFlags, type Client } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachStaffCommands } from '../../bot/discord/staff-bot.ts';
import { runStaffCommand } from '../../bot/staff/staff-commands.ts';
import { syncContest } from '../../core/contests/sync-contest.ts';
import { sqlDb, transactOn } from '../../core/db/pg-transaction.ts';
import { createSqlPool } from '../../core/db/sql-pool.ts';
import { createLogger } from '../../core/logger.ts';
import { roleMappingSchema } from '../../core/staff/permissions.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { connectClient, slashCommand, snowflake, startFakeDiscord, type FakeDiscord } from '../support/fake-discord.ts';
import { DURING, program } from '../support/flow-harness.ts';

const VIEWER_ROLE = snowflake();
const roleMapping = roleMappingSchema.parse({ viewer: [VIEWER_ROLE] });

let db: TestDatabase;
let sql: ReturnType<typeof createSqlPool>;
let discord: FakeDiscord;
let client: Client;

beforeAll(async () => {
  db = await createTestDatabase();
  sql = createSqlPool(db.connectionString, 3);
  await syncContest(transactOn(sql), program, DURING);
  const participant = await db.prisma.participant.create({ data: { lineUserId: `U${'a'.repeat(32)}` } });
  await db.prisma.application.create({ data: { contestId: program.contest.id, participantId: participant.id, answersSealed: 'v1.x', status: 'submitted', receiptNumber: 'BC2026-0001' } });
  discord = await startFakeDiscord();
  client = await connectClient(discord, (c) => attachStaffCommands({
    client: c, roleMapping, logger: createLogger('silent'),
    run: (request) => runStaffCommand({ db: sqlDb(sql), transact: transactOn(sql), contestId: program.contest.id, clock: () => DURING }, request),
  }));
});

afterAll(async () => {
  await client?.destroy();
  await discord?.close();
  await sql?.end();
  await db?.drop();
});

async function runSlash(name: string, roleIds: string[]) {
  const interaction = slashCommand({ applicationId: discord.applicationId, name, userId: snowflake(), roleIds });
  discord.dispatch('INTERACTION_CREATE', interaction);
  const ack = await discord.waitForRequest((r) => r.path === `/interactions/${interaction.id}/${interaction.token}/callback`);
  const answer = await discord.waitForRequest((r) => r.method === 'PATCH' && r.path === `/webhooks/${discord.applicationId}/${interaction.token}/messages/@original`);
  return { interaction, ack, answer: answer.body as { content: string; embeds: Array<{ title: string; fields: Array<{ name: string; value: string }> }> } };
}

describe('/stats in Discord', () => {
  it('is acknowledged at once, privately, then answered with the counts in Japanese', async () => {
    const { ack, answer } = await runSlash('stats', [VIEWER_ROLE]);
    expect(ack.body).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
    expect(answer.embeds[0]!.title).toBe('応募・参加の状況');
    expect(answer.embeds[0]!.fields).toContainEqual({ name: '応募', value: '下書き 0 ・ 提出済み 1 ・ 取り下げ 0' });
    expect(discord.invalidRequests()).toEqual([]);
  });

  it('refuses a member without an ouen role, privately, and writes the refusal to the audit log', async () => {
    const { interaction, answer } = await runSlash('stats', [snowflake()]);
    expect(answer.content).toBe('ouen のスタッフロールがありません。管理者にロールの付与を依頼してください。');
    expect(answer.embeds).toEqual([]);
    const denial = await db.prisma.auditLog.findFirst({ where: { action: 'staff.denied', actor: `discord:${interaction.member.user.id}` } });
    expect(denial?.detail).toEqual({ requested: 'stats.view', reason: 'no-role' });
    expect(discord.invalidRequests()).toEqual([]);
  });

  it('answers a command it does not know yet, instead of leaving Discord waiting', async () => {
    const { answer } = await runSlash('judge', [VIEWER_ROLE]);
    expect(answer.content).toBe('このコマンドはまだ使えません。');
  });
});
