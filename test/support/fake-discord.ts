/**
 * A stand-in for Discord that real discord.js talks to: the REST API under `/api/v10`
 * (every request recorded, and checked against Discord's OpenAPI definition by
 * `invalidRequests`) and a gateway on the same port (HELLO, IDENTIFY → READY,
 * heartbeats), through which a test injects dispatches such as INTERACTION_CREATE.
 *
 * ```ts
 * const discord = await startFakeDiscord();
 * const client = new Client({ intents: [], rest: { api: discord.apiBase } });
 * await client.login(discord.token);
 * discord.dispatch('INTERACTION_CREATE', slashCommand({ name: 'stats', ... }));
 * ```
 */
import type { Logger } from '../../core/logger.ts';
import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Client, Events } from 'discord.js';
import { WebSocketServer, type WebSocket } from 'ws';
import { validateDiscordRequest } from './discord-spec.ts';
import { eventually, startHarness, type Harness } from './ouen-harness.ts';

export interface RecordedDiscordRequest {
  method: string;
  /** Without the `/api/v10` prefix, as the spec writes paths. */
  path: string;
  /** The JSON body; for a multipart request (with files), its `payload_json` part. */
  body: unknown;
  /** Files sent with a multipart request. */
  files?: Array<{ field: string; name: string; content: Buffer }>;
}

export interface FakeDiscord {
  /** For discord.js: `rest: { api: apiBase }`. */
  apiBase: string;
  token: string;
  applicationId: string;
  botUserId: string;
  requests: RecordedDiscordRequest[];
  /** Shards that identified (a client that is connected and ready). */
  connectedShards(): number;
  /** Sends a gateway dispatch (op 0) to every connected shard. */
  dispatch(type: string, data: unknown): void;
  /** Resolves with the first recorded request that matches. */
  waitForRequest(match: (request: RecordedDiscordRequest) => boolean, timeoutMs?: number): Promise<RecordedDiscordRequest>;
  /**
   * Answers the next `times` matching requests with an error instead (a 429 carries
   * Discord's retry-after), to test what the bot does when Discord fails.
   */
  failNext(match: (request: RecordedDiscordRequest) => boolean, status: number, times?: number): void;
  /** Ends every failure set up with `failNext`: Discord is back. */
  recover(): void;
  /** Serves a file as Discord's CDN would, for a DM attachment; returns the attachment object. */
  attachment(name: string, content: Buffer, contentType?: string): { id: string; filename: string; size: number; url: string; proxy_url: string; content_type?: string };
  /** Requests whose body is not what the Discord API accepts. */
  invalidRequests(): Array<{ request: RecordedDiscordRequest; errors: string[] }>;
  /** Messages created in a channel, in order: a repeated post with an enforced nonce creates none. */
  messagesIn(channelId: string): Array<{ id: string; content: string; nonce?: string }>;
  close(): Promise<void>;
}

const API_PREFIX = '/api/v10';
const HEARTBEAT_INTERVAL_MS = 41_250;

export const snowflake = (): string => (BigInt(Date.now() - 1_420_070_400_000) << 22n | BigInt(randomInt(0, 1 << 22))).toString();

export async function startFakeDiscord(): Promise<FakeDiscord> {
  const token = `${Buffer.from(snowflake()).toString('base64url')}.${randomBytes(4).toString('base64url')}.${randomBytes(20).toString('base64url')}`;
  const applicationId = snowflake();
  const botUserId = applicationId;
  const requests: RecordedDiscordRequest[] = [];
  const waiters: Array<{ match: (r: RecordedDiscordRequest) => boolean; resolve: (r: RecordedDiscordRequest) => void }> = [];
  const shards = new Set<WebSocket>();
  const identified = new Set<WebSocket>();
  let sequence = 0;
  let url = '';

  const served = new Map<string, Buffer>();
  const messages = new Map<string, Array<ReturnType<typeof message>>>();
  const byNonce = new Map<string, ReturnType<typeof message>>();
  const failures: Array<{ match: (request: RecordedDiscordRequest) => boolean; status: number; remaining: number }> = [];
  const server: Server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const path = decodeURIComponent((req.url ?? '/').split('?')[0]!.replace(API_PREFIX, ''));
      if (path.startsWith('/attachments/')) {
        const file = served.get(path);
        if (file) res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(file);
        else res.writeHead(404).end();
        return;
      }
      // Interaction callbacks and follow-ups carry their token in the path, not a bot token (as at Discord).
      const tokenInPath = /^\/(interactions|webhooks)\//.test(path);
      if (!tokenInPath && req.headers.authorization !== `Bot ${token}`) {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ message: '401: Unauthorized', code: 0 }));
        return;
      }
      const multipart = /^multipart\/form-data;\s*boundary=(.+)$/i.exec(req.headers['content-type'] ?? '');
      const parts = multipart ? parseMultipart(raw, multipart[1]!.replace(/^"|"$/g, '')) : [];
      const payload = parts.find((p) => p.field === 'payload_json');
      const body = multipart ? (payload ? JSON.parse(payload.content.toString('utf8')) as unknown : undefined)
        : raw.length > 0 ? JSON.parse(raw.toString('utf8')) as unknown : undefined;
      const files = parts.filter((p) => p.name !== undefined).map((p) => ({ field: p.field, name: p.name!, content: p.content }));
      const request: RecordedDiscordRequest = { method: req.method ?? 'GET', path, body, ...(multipart ? { files } : {}) };
      requests.push(request);
      for (const waiter of waiters.splice(0)) {
        if (waiter.match(request)) waiter.resolve(request);
        else waiters.push(waiter);
      }
      const failure = failures.find((f) => f.remaining > 0 && f.match(request));
      if (failure) {
        failure.remaining -= 1;
        const limited = failure.status === 429;
        res.writeHead(failure.status, {
          'content-type': 'application/json',
          ...(limited ? { 'retry-after': '0.05', 'x-ratelimit-scope': 'user', 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': '0.05', 'x-ratelimit-bucket': 'test' } : {}),
        }).end(JSON.stringify(limited ? { message: 'You are being rate limited.', retry_after: 0.05, global: false } : { message: 'Internal Server Error', code: 0 }));
        return;
      }
      const [status, answer] = respond(request);
      if (answer === undefined) res.writeHead(status).end();
      else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });

  function respond(request: RecordedDiscordRequest): [number, unknown] {
    if (request.method === 'GET' && request.path === '/gateway/bot') {
      return [200, { url, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } }];
    }
    if (request.method === 'GET' && request.path === '/applications/@me') {
      return [200, { id: applicationId, name: 'ouen', icon: null, description: '', bot_public: false, bot_require_code_grant: false, verify_key: 'f'.repeat(64), flags: 0 }];
    }
    const commands = /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/.exec(request.path);
    if (commands && request.method === 'PUT') {
      const [, app, guild] = commands;
      return [200, (request.body as Array<Record<string, unknown>>).map((c) => ({ ...c, id: snowflake(), application_id: app, guild_id: guild, version: snowflake(), type: c.type ?? 1 }))];
    }
    if (/^\/interactions\/\d+\/[^/]+\/callback$/.test(request.path)) return [204, undefined];
    if (/^\/webhooks\/\d+\/[^/]+\/messages\/@original$/.test(request.path)) return [200, message(request.body)];
    const channelMessages = /^\/channels\/(\d+)\/messages$/.exec(request.path);
    if (channelMessages && request.method === 'POST') {
      // Discord: with enforce_nonce, a nonce the same author used minutes before returns that message and creates none.
      const { nonce, enforce_nonce: enforced } = (request.body ?? {}) as { nonce?: string; enforce_nonce?: boolean };
      const key = `${channelMessages[1]}:${nonce}`;
      const earlier = enforced && nonce !== undefined ? byNonce.get(key) : undefined;
      if (earlier) return [200, earlier];
      const created = message(request.body, channelMessages[1]);
      if (enforced && nonce !== undefined) byNonce.set(key, created);
      created.nonce = nonce;
      (messages.get(channelMessages[1]!) ?? messages.set(channelMessages[1]!, []).get(channelMessages[1]!)!).push(created);
      return [200, created];
    }
    const oneMessage = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(request.path);
    if (oneMessage && request.method === 'PATCH') return [200, { ...message(request.body, oneMessage[1]), id: oneMessage[2] }];
    const thread = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(request.path);
    if (thread && request.method === 'POST') {
      const name = (request.body as { name?: string } | undefined)?.name ?? '';
      return [201, {
        id: thread[2], type: 11, guild_id: snowflake(), parent_id: thread[1], name, owner_id: botUserId, last_message_id: null, flags: 0,
        rate_limit_per_user: 0, member_count: 1, message_count: 0, total_message_sent: 0,
        thread_metadata: { archived: false, auto_archive_duration: 10080, archive_timestamp: new Date().toISOString(), locked: false },
      }];
    }
    if (/^\/webhooks\/\d+\/[^/]+$/.test(request.path) && request.method === 'POST') return [200, message(request.body)];
    if (request.path === '/users/@me/channels' && request.method === 'POST') {
      const recipient = (request.body as { recipient_id: string }).recipient_id;
      return [200, { id: dmChannelOf(recipient), type: 1, last_message_id: null, flags: 0, recipients: [{ id: recipient, username: `user-${recipient.slice(-4)}`, discriminator: '0', global_name: null, avatar: null }] }];
    }
    return [404, { message: 'Unknown route (fake Discord)', code: 0 }];
  }

  function message(body: unknown, channelId = snowflake()) {
    return {
      id: snowflake(), channel_id: channelId, type: 0, content: (body as { content?: string } | undefined)?.content ?? '',
      author: { id: botUserId, username: 'ouen', discriminator: '0', global_name: null, avatar: null, bot: true },
      attachments: [], embeds: (body as { embeds?: unknown[] } | undefined)?.embeds ?? [], mentions: [], mention_roles: [],
      pinned: false, mention_everyone: false, tts: false, timestamp: new Date().toISOString(), edited_timestamp: null, flags: 0, components: [],
      nonce: undefined as string | undefined,
    };
  }

  const gateway = new WebSocketServer({ server });
  gateway.on('connection', (socket) => {
    shards.add(socket);
    socket.on('close', () => {
      shards.delete(socket);
      identified.delete(socket);
    });
    const send = (payload: unknown) => socket.send(JSON.stringify(payload));
    send({ op: 10, d: { heartbeat_interval: HEARTBEAT_INTERVAL_MS }, s: null, t: null });
    socket.on('message', (raw) => {
      const payload = JSON.parse(String(raw)) as { op: number; d: unknown };
      if (payload.op === 1) send({ op: 11, d: null, s: null, t: null });
      if (payload.op === 2) {
        identified.add(socket);
        send({
          op: 0, s: ++sequence, t: 'READY',
          d: {
            v: 10, session_id: randomBytes(16).toString('hex'), resume_gateway_url: url, shard: [0, 1], guilds: [],
            user: { id: botUserId, username: 'ouen', discriminator: '0', global_name: null, avatar: null, bot: true, flags: 0 },
            application: { id: applicationId, flags: 0 },
          },
        });
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  url = `ws://127.0.0.1:${port}`;

  return {
    apiBase: `http://127.0.0.1:${port}/api`,
    token, applicationId, botUserId, requests,
    connectedShards: () => identified.size,
    dispatch(type, data) {
      const frame = JSON.stringify({ op: 0, s: ++sequence, t: type, d: data });
      for (const shard of shards) shard.send(frame);
    },
    waitForRequest(match, timeoutMs = 5_000) {
      const found = requests.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no matching Discord request in time')), timeoutMs);
        waiters.push({ match, resolve: (r) => (clearTimeout(timer), resolve(r)) });
      });
    },
    failNext(match, status, times = 1) {
      failures.push({ match, status, remaining: times });
    },
    recover() {
      failures.splice(0);
    },
    attachment(name, content, contentType) {
      const id = snowflake();
      const path = `/attachments/${id}/${encodeURIComponent(name)}`;
      served.set(decodeURIComponent(path), content);
      const url = `http://127.0.0.1:${port}${path}`;
      return { id, filename: name, size: content.length, url, proxy_url: url, ...(contentType ? { content_type: contentType } : {}) };
    },
    messagesIn(channelId) {
      return (messages.get(channelId) ?? []).map((m) => ({ id: m.id, content: m.content, ...(m.nonce === undefined ? {} : { nonce: m.nonce }) }));
    },
    invalidRequests() {
      return requests
        .filter((r) => r.path !== '/gateway/bot')
        .map((request) => ({ request, verdict: validateDiscordRequest(request.method, request.path, request.body) }))
        .filter(({ verdict }) => !verdict.ok)
        .map(({ request, verdict }) => ({ request, errors: verdict.ok ? [] : verdict.errors }));
    },
    async close() {
      for (const shard of shards) shard.terminate();
      gateway.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The parts of a multipart/form-data body, as discord.js sends files (RFC 7578). */
function parseMultipart(raw: Buffer, boundary: string): Array<{ field: string; name?: string; content: Buffer }> {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Array<{ field: string; name?: string; content: Buffer }> = [];
  let start = raw.indexOf(delimiter);
  while (start !== -1) {
    const next = raw.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = raw.subarray(start + delimiter.length + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const field = /name="([^"]*)"/.exec(headers)?.[1] ?? '';
    const name = /filename="([^"]*)"/.exec(headers)?.[1];
    parts.push({ field, ...(name === undefined ? {} : { name }), content: part.subarray(headerEnd + 4) });
    start = next;
  }
  return parts;
}

type Member = { userId: string; roleIds: string[]; guildId?: string; channelId?: string };

/** What every interaction carries: ids, token, where it happened and who did it. */
function interactionBase(applicationId: string, type: number, member: Member) {
  const guildId = member.guildId ?? snowflake();
  const channelId = member.channelId ?? snowflake();
  const user = { id: member.userId, username: `staff-${member.userId.slice(-4)}`, discriminator: '0', global_name: null, avatar: null };
  return {
    id: snowflake(), application_id: applicationId, type, token: randomBytes(32).toString('base64url'), version: 1,
    guild_id: guildId, channel_id: channelId, locale: 'ja', guild_locale: 'ja', app_permissions: '0', entitlements: [],
    authorizing_integration_owners: { 0: guildId }, context: 0,
    channel: { id: channelId, type: 0, guild_id: guildId, name: 'staff' },
    member: { user, roles: member.roleIds, permissions: '0', joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0, nick: null, avatar: null },
  };
}

/** A button click (MESSAGE_COMPONENT) on an ephemeral message the bot sent. */
export function buttonClick(options: Member & { applicationId: string; customId: string }) {
  const base = interactionBase(options.applicationId, 3, options);
  return {
    ...base,
    message: {
      id: snowflake(), channel_id: base.channel_id, type: 20, content: '', flags: 64, embeds: [], attachments: [], mentions: [], mention_roles: [],
      pinned: false, mention_everyone: false, tts: false, timestamp: new Date().toISOString(), edited_timestamp: null, components: [],
      author: { id: options.applicationId, username: 'ouen', discriminator: '0', global_name: null, avatar: null, bot: true },
    },
    data: { custom_id: options.customId, component_type: 2 },
  };
}

/** A pick from a string select (MESSAGE_COMPONENT, component type 3) on an ephemeral message the bot sent. */
export function selectPick(options: Member & { applicationId: string; customId: string; values: string[] }) {
  const click = buttonClick(options);
  return { ...click, data: { custom_id: options.customId, component_type: 3, values: options.values } };
}

/** A submitted modal (MODAL_SUBMIT): one text input per action row, as Discord sends them. */
export function modalSubmit(options: Member & { applicationId: string; customId: string; values: Record<string, string> }) {
  return {
    ...interactionBase(options.applicationId, 5, options),
    data: modalData(options.customId, options.values),
  };
}

/** The DM channel between the bot and a user: one per user, as at Discord. */
const dmChannels = new Map<string, string>();
export function dmChannelOf(userId: string): string {
  if (!dmChannels.has(userId)) dmChannels.set(userId, snowflake());
  return dmChannels.get(userId)!;
}

/** A user as Discord's `UserResponse` has it (so a DM message validates against `MessageResponse`). */
const dmUser = (userId: string) => ({
  id: userId, username: `user-${userId.slice(-4)}`, discriminator: '0', global_name: null, avatar: null, public_flags: 0, flags: 0, primary_guild: null,
});

/** A message a user sent the bot in a DM (MESSAGE_CREATE). */
export function dmMessage(options: { userId: string; content?: string; attachments?: unknown[] }) {
  return {
    // Discord names the channel's type in MESSAGE_CREATE; discord.js needs it to build an uncached DM channel.
    id: snowflake(), channel_id: dmChannelOf(options.userId), channel_type: 1, type: 0, content: options.content ?? '', author: dmUser(options.userId),
    attachments: options.attachments ?? [], embeds: [], mentions: [], mention_roles: [], pinned: false, mention_everyone: false, tts: false,
    timestamp: new Date().toISOString(), edited_timestamp: null, flags: 0, components: [],
  };
}

/** What every interaction in a DM carries: ids, token, the DM channel, the user (no member, no guild). */
function dmInteractionBase(applicationId: string, type: number, userId: string) {
  const channelId = dmChannelOf(userId);
  return {
    id: snowflake(), application_id: applicationId, type, token: randomBytes(32).toString('base64url'), version: 1,
    channel_id: channelId, channel: { id: channelId, type: 1 }, user: dmUser(userId), locale: 'ja', app_permissions: '0', entitlements: [],
    authorizing_integration_owners: { 1: userId }, context: 1,
  };
}

/** A click in a DM on a message the bot sent: a button, or a select with `values`. */
export function dmClick(options: { applicationId: string; userId: string; customId: string; values?: string[] }) {
  const base = dmInteractionBase(options.applicationId, 3, options.userId);
  return {
    ...base,
    message: {
      id: snowflake(), channel_id: base.channel_id, type: 0, content: '', flags: 0, embeds: [], attachments: [], mentions: [], mention_roles: [],
      pinned: false, mention_everyone: false, tts: false, timestamp: new Date().toISOString(), edited_timestamp: null, components: [],
      author: { id: options.applicationId, username: 'ouen', discriminator: '0', global_name: null, avatar: null, bot: true },
    },
    data: options.values ? { custom_id: options.customId, component_type: 3, values: options.values } : { custom_id: options.customId, component_type: 2 },
  };
}

/** A form submitted in a DM (MODAL_SUBMIT). */
export function dmModalSubmit(options: { applicationId: string; userId: string; customId: string; values: Record<string, string> }) {
  return { ...dmInteractionBase(options.applicationId, 5, options.userId), data: modalData(options.customId, options.values) };
}

/** A modal's submitted data: one text input per action row, as Discord sends them. */
function modalData(customId: string, values: Record<string, string>) {
  return { custom_id: customId, components: Object.entries(values).map(([id, value]) => ({ type: 1, components: [{ type: 4, custom_id: id, value }] })) };
}

/** A slash-command interaction as Discord sends it in INTERACTION_CREATE. */
export function slashCommand(options: Member & {
  applicationId: string; name: string;
  options?: Array<{ name: string; type: number; value?: string | number | boolean; options?: unknown[] }>;
}) {
  return { ...interactionBase(options.applicationId, 2, options), data: { id: snowflake(), name: options.name, type: 1, options: options.options ?? [] } };
}

/**
 * ouen (the integration harness) with its staff bot connected to a fresh fake Discord;
 * `env` adds settings (role mapping, channels, program file).
 */
export async function startOuenWithDiscord(options: { env?: Record<string, string>; clock?: () => Date; logger?: Logger } = {}): Promise<{ discord: FakeDiscord; h: Harness; close(): Promise<void> }> {
  const discord = await startFakeDiscord();
  const h = await startHarness({
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    env: { DISCORD_BOT_TOKEN: discord.token, DISCORD_API_BASE_URL: discord.apiBase, ...options.env },
  });
  await eventually(() => discord.connectedShards() > 0);
  return {
    discord, h,
    async close() {
      await h.close();
      await discord.close();
    },
  };
}

/** A real discord.js client pointed at the fake, logged in and ready; `setup` runs before login (attach handlers there). */
export async function connectClient(discord: FakeDiscord, setup: (client: Client) => void = () => undefined): Promise<Client> {
  const client = new Client({ intents: [], rest: { api: discord.apiBase } });
  setup(client);
  const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(discord.token);
  await ready;
  return client;
}
