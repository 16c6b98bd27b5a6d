import { Events, MessageFlags, type Client } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, slashCommand, snowflake, startFakeDiscord, type FakeDiscord } from '../support/fake-discord.ts';

let discord: FakeDiscord;
let client: Client;

beforeAll(async () => {
  discord = await startFakeDiscord();
  client = await connectClient(discord);
});

afterAll(async () => {
  await client?.destroy();
  await discord?.close();
});

describe('the fake Discord, driven by real discord.js', () => {
  it('connects through the gateway and delivers an injected slash command; the reply is a valid callback', async () => {
    client.once(Events.InteractionCreate, (interaction) => {
      if (interaction.isChatInputCommand()) void interaction.reply({ content: `pong ${interaction.commandName}`, flags: MessageFlags.Ephemeral });
    });
    discord.dispatch('INTERACTION_CREATE', slashCommand({ applicationId: discord.applicationId, name: 'stats', userId: snowflake(), roleIds: [] }));
    const callback = await discord.waitForRequest((r) => r.path.endsWith('/callback'));
    expect(callback.body).toEqual({ type: 4, data: expect.objectContaining({ content: 'pong stats', flags: MessageFlags.Ephemeral }) });
    expect(discord.invalidRequests()).toEqual([]);
  });

  it('flags a request body the Discord API would refuse', async () => {
    const response = await fetch(`${discord.apiBase}/v10/interactions/${snowflake()}/token/callback`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'reply-please' }),
    });
    expect(response.status).toBe(204);
    const invalid = discord.invalidRequests();
    expect(invalid).toHaveLength(1);
    discord.requests.splice(discord.requests.indexOf(invalid[0]!.request), 1);
  });
});
