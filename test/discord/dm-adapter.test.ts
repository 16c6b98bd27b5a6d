/**
 * The Discord DM adapter on its own, with real discord.js objects: gateway payloads (a DM
 * message checked against Discord's `MessageResponse`; clicks and forms as Discord sends
 * them) go through the fake Discord's gateway into a real client, and each becomes the
 * action the turn pipeline runs. Files come from the fake CDN no larger than asked;
 * answers go where the event came from, within Discord's API.
 */
import { Client, Events, GatewayIntentBits, Partials, type Interaction, type Message } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordDmAdapter, type DiscordDmEvent, type FlowClick } from '../../channels/discord/dm-adapter.ts';
import { validateDiscordSchema } from '../support/discord-spec.ts';
import {
  dmChannelOf, dmClick, dmMessage, dmModalSubmit, slashCommand, snowflake, startFakeDiscord, type FakeDiscord,
} from '../support/fake-discord.ts';
import { MINIMAL_PDF } from '../support/line-events.ts';
import { eventually } from '../support/ouen-harness.ts';

const MB = 1024 * 1024;
const adapter = new DiscordDmAdapter();
let discord: FakeDiscord;
let client: Client;
const arrived: Array<Message | Interaction> = [];

beforeAll(async () => {
  discord = await startFakeDiscord();
  // As the staff bot connects (start-staff-bot.ts): DMs need the channel partial.
  client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages], partials: [Partials.Channel], rest: { api: discord.apiBase } });
  client.on(Events.MessageCreate, (message) => arrived.push(message));
  client.on(Events.InteractionCreate, (interaction) => arrived.push(interaction));
  const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(discord.token);
  await ready;
});

afterAll(async () => {
  await client?.destroy();
  await discord?.close();
});

/** Sends a gateway dispatch and resolves with what discord.js made of it. */
async function through<T extends Message | Interaction>(type: 'MESSAGE_CREATE' | 'INTERACTION_CREATE', payload: { id: string }): Promise<T> {
  discord.dispatch(type, payload);
  return eventually(() => arrived.find((a) => a.id === payload.id) as T | undefined);
}

async function messageEvent(payload: ReturnType<typeof dmMessage>): Promise<DiscordDmEvent> {
  expect(validateDiscordSchema('MessageResponse', payload)).toEqual({ ok: true });
  return { kind: 'message', message: await through<Message>('MESSAGE_CREATE', payload), claimed: Promise.resolve(true) };
}

async function clickEvent(payload: { id: string }): Promise<DiscordDmEvent> {
  return { kind: 'click', interaction: await through<FlowClick>('INTERACTION_CREATE', payload), claimed: Promise.resolve(true) };
}

/** The action without its reply handle, which must be the event itself (answered where it came from). */
function translated(event: DiscordDmEvent) {
  const action = adapter.translate(event);
  if (action.kind === 'turn') {
    expect(action.replyTo).toBe(event);
    const { replyTo: _event, ...rest } = action;
    return rest;
  }
  return action;
}

describe('DiscordDmAdapter.translate', () => {
  const userId = snowflake();
  const applicationId = () => discord.applicationId;

  it('makes a DM text a text input, trimmed, with its message id', async () => {
    const payload = dmMessage({ userId, content: '  応募 \n' });
    expect(translated(await messageEvent(payload))).toEqual({ kind: 'turn', userId, input: { type: 'text', text: '応募', messageId: payload.id } });
  });

  it('makes a DM with nothing to read (a sticker) an input the flow re-prompts', async () => {
    expect(translated(await messageEvent(dmMessage({ userId, content: '' })))).toEqual({ kind: 'turn', userId, input: { type: 'unsupported', what: 'sticker' } });
  });

  it('announces an attachment as a file to fetch from its URL, with the size Discord gives', async () => {
    const attachment = discord.attachment('plan.pdf', MINIMAL_PDF, 'application/pdf');
    const payload = dmMessage({ userId, content: '計画書です', attachments: [attachment] });
    expect(translated(await messageEvent(payload))).toEqual({
      kind: 'turn', userId, input: { type: 'unsupported', what: 'file-pending' },
      file: { messageId: payload.id, fileName: 'plan.pdf', sizeBytes: MINIMAL_PDF.length, source: attachment.url },
    });
  });

  it('makes a button click the choice it carries', async () => {
    const event = await clickEvent(dmClick({ applicationId: applicationId(), userId, customId: 'ouen:flow:c:yes' }));
    expect(translated(event)).toEqual({ kind: 'turn', userId, input: { type: 'choice', value: 'yes' } });
  });

  it('makes a pick from the confirmation card\'s select the change it names', async () => {
    const event = await clickEvent(dmClick({ applicationId: applicationId(), userId, customId: 'ouen:flow:change', values: ['change:phone'] }));
    expect(translated(event)).toEqual({ kind: 'turn', userId, input: { type: 'choice', value: 'change:phone' } });
  });

  it('ignores a select that is not the flows\'', async () => {
    const event = await clickEvent(dmClick({ applicationId: applicationId(), userId, customId: 'ouen:flow:other', values: ['x'] }));
    expect(adapter.translate(event)).toEqual({ kind: 'ignore', reason: 'unknown-component' });
  });

  it.each([
    ['2024/4/1', { type: 'date', date: '2024-04-01' }],
    ['２０２４年４月１日', { type: 'date', date: '2024-04-01' }],
    ['来年の春', { type: 'text', text: '来年の春' }],
  ])('makes the date form submitted with %s a date, or text the flow checks', async (typed, input) => {
    const event = await clickEvent(dmModalSubmit({ applicationId: applicationId(), userId, customId: 'ouen:flow:date-form', values: { date: typed } }));
    expect(translated(event)).toEqual({ kind: 'turn', userId, input });
  });

  it('makes /preview a follow: the staff member is greeted as a new participant', async () => {
    const staffId = snowflake();
    const interaction = await through<Interaction>('INTERACTION_CREATE', slashCommand({ applicationId: applicationId(), name: 'preview', userId: staffId, roleIds: [] }));
    if (!interaction.isChatInputCommand()) throw new Error('not a command');
    const event: DiscordDmEvent = { kind: 'preview', interaction, sentNotice: 'sent', claimed: Promise.resolve(true) };
    expect(translated(event)).toEqual({ kind: 'turn', userId: staffId, input: { type: 'follow' } });
  });
});

describe('DiscordDmAdapter fetching and answering', () => {
  it('fetches an attachment whole within the limit asked, stops past it, and says when it cannot be had', async () => {
    const twelveMb = Buffer.concat([MINIMAL_PDF, Buffer.alloc(12 * MB - MINIMAL_PDF.length)]);
    const { url } = discord.attachment('plan.pdf', twelveMb, 'application/pdf');
    const file = { messageId: '1', fileName: 'plan.pdf', sizeBytes: twelveMb.length, source: url };
    const whole = await adapter.fetchFile('u', file, 20 * MB);
    expect(Buffer.isBuffer(whole) && whole.equals(twelveMb)).toBe(true);
    expect(await adapter.fetchFile('u', file, 10 * MB)).toBe('too-large');
    expect(await adapter.fetchFile('u', { ...file, source: `${url}-gone` }, 20 * MB)).toBe('unavailable');
  });

  it('answers a DM in its channel, one message per body, within Discord\'s API', async () => {
    const userId = snowflake();
    const event = await messageEvent(dmMessage({ userId, content: 'ヘルプ' }));
    const bodies = adapter.render([
      { type: 'text', text: { literal: { ja: 'ひとつめ', en: 'one' } } },
      { type: 'text', text: { literal: { ja: 'ふたつめ', en: 'two' } }, choices: [{ label: { literal: { ja: 'はい', en: 'Yes' } }, value: 'yes' }] },
    ], 'ja', {});
    await adapter.reply(userId, event, bodies);
    const posted = discord.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${dmChannelOf(userId)}/messages`);
    expect(posted.map((r) => (r.body as { content: string }).content)).toEqual(['ひとつめ', 'ふたつめ']);
    expect(discord.invalidRequests()).toEqual([]);
  });
});
