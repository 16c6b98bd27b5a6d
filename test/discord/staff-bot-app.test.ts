/**
 * The staff bot as ouen runs it: `startOuen` with DISCORD_* settings pointed at the fake
 * Discord, and `ouen discord register`, on real PostgreSQL and Redis.
 */
import { MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDiscordRegister } from '../../cli/discord-register.command.ts';
import { parseEnv } from '../../core/env.ts';
import { slashCommand, snowflake, startOuenWithDiscord, type FakeDiscord } from '../support/fake-discord.ts';

const STAFF_ROLE = snowflake();
const GUILD = snowflake();
let discord: FakeDiscord;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ discord, close } = await startOuenWithDiscord({ env: { DISCORD_GUILD_ID: GUILD, OUEN_STAFF_ROLES: JSON.stringify({ staff: [STAFF_ROLE] }) } }));
});

afterAll(async () => {
  await close?.();
});

describe('the staff bot in ouen', () => {
  it('answers /stats for a member whose Discord role maps to staff', async () => {
    const interaction = slashCommand({ applicationId: discord.applicationId, name: 'stats', userId: snowflake(), roleIds: [STAFF_ROLE], guildId: GUILD });
    discord.dispatch('INTERACTION_CREATE', interaction);
    const ack = await discord.waitForRequest((r) => r.path.startsWith(`/interactions/${interaction.id}/`));
    expect(ack.body).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
    const answer = await discord.waitForRequest((r) => r.method === 'PATCH' && r.path.includes(interaction.token));
    expect((answer.body as { embeds: Array<{ title: string }> }).embeds[0]!.title).toBe('応募・参加の状況');
    expect(discord.invalidRequests()).toEqual([]);
  });

  it('registers the staff commands on the staff server with `ouen discord register`', async () => {
    const env = parseEnv({ DISCORD_BOT_TOKEN: discord.token, DISCORD_API_BASE_URL: discord.apiBase, DISCORD_GUILD_ID: GUILD });
    expect(await runDiscordRegister(env)).toBe(0);
    const put = await discord.waitForRequest((r) => r.method === 'PUT' && r.path === `/applications/${discord.applicationId}/guilds/${GUILD}/commands`);
    expect((put.body as Array<{ name: string }>).map((c) => c.name)).toEqual([
      'stats', 'applications', 'application', 'round', 'score', 'recuse', 'progress', 'ranking', 'scores', 'decide', 'decide-all', 'publish', 'approvals', 'inbox', 'deliveries', 'help', 'preview', 'votes', 'event', 'booth', 'seminars', 'broadcast',
    ]);
    expect(put.body).toContainEqual(expect.objectContaining({ name: 'stats', name_localizations: { ja: '状況' } }));
    expect(discord.invalidRequests()).toEqual([]);
  });

  it('refuses to register without a server id, naming the setting', async () => {
    await expect(runDiscordRegister(parseEnv({ DISCORD_BOT_TOKEN: discord.token }))).rejects.toThrow(/DISCORD_GUILD_ID/);
  });

  it('refuses a role mapping that is not Discord role ids, naming the setting', () => {
    expect(() => parseEnv({ OUEN_STAFF_ROLES: '{"staff": ["everyone"]}' })).toThrow(/OUEN_STAFF_ROLES/);
    expect(() => parseEnv({ OUEN_STAFF_ROLES: 'staff=1' })).toThrow(/OUEN_STAFF_ROLES: not JSON/);
  });
});
