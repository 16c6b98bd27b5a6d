import { describe, expect, it } from 'vitest';
import { validateDiscordRequest } from './discord-spec.ts';
import { validateLineRequest, validateLineWebhook } from './line-spec.ts';
import { validateRequest, validateSchema, type OpenApiDocument, type ValidationResult } from './openapi-validator.ts';

const destination = `U${'0'.repeat(32)}`;
const userId = `U${'1234abcd'.repeat(4)}`;

function event(type: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    type,
    mode: 'active',
    timestamp: 1_743_465_600_000,
    source: { type: 'user', userId },
    webhookEventId: '01JQX8ZK5V4N6M3S2R1T0Y9W8E',
    deliveryContext: { isRedelivery: false },
    ...extra,
  };
}

function webhook(...events: unknown[]): unknown {
  return { destination, events };
}

function errorsOf(result: ValidationResult): string[] {
  return result.ok ? [] : result.errors;
}

const textEvent = event('message', {
  replyToken: 'nHuyWiB7yP5Zw52FIkcQobQuGDXCTA',
  message: { type: 'text', id: '468789577898262530', quoteToken: 'q3Plxr4AgKd', text: '応募したい' },
});

describe('validateLineWebhook', () => {
  it.each([
    ['a text message', textEvent],
    ['a follow', event('follow', { replyToken: 'r', follow: { isUnblocked: false } })],
    [
      'a postback from a date picker',
      event('postback', { replyToken: 'r', postback: { data: 'step=founded', params: { date: '2021-04-01' } } }),
    ],
    [
      'a file message',
      event('message', {
        replyToken: 'r',
        message: { type: 'file', id: '468789577898262531', fileName: 'plan.pdf', fileSize: 2_048_000 },
      }),
    ],
    ['an unsend', event('unsend', { unsend: { messageId: '468789577898262530' } })],
    ['an unfollow', event('unfollow', {})],
  ])('accepts %s', (_name, body) => {
    expect(validateLineWebhook(webhook(body))).toEqual({ ok: true });
  });

  it('accepts the empty verification request', () => {
    expect(validateLineWebhook(webhook())).toEqual({ ok: true });
  });

  it('rejects an event without a required common field', () => {
    const { webhookEventId: _omitted, ...withoutId } = textEvent;
    expect(errorsOf(validateLineWebhook(webhook(withoutId)))).toContain(
      "/events/0 must have required property 'webhookEventId'",
    );
  });

  it('checks the subtype the discriminator picks: a text message needs text', () => {
    const message = { type: 'text', id: '1', quoteToken: 'q' };
    const result = validateLineWebhook(webhook({ ...textEvent, message }));
    expect(errorsOf(result)).toEqual(["/events/0/message must have required property 'text'"]);
  });

  it('checks subtype fields of other events too: a follow needs follow.isUnblocked', () => {
    const result = validateLineWebhook(webhook(event('follow', { replyToken: 'r', follow: {} })));
    expect(errorsOf(result)).toEqual(["/events/0/follow must have required property 'isUnblocked'"]);
  });

  it('rejects an event type the spec does not define', () => {
    const result = validateLineWebhook(webhook(event('wave', {})));
    expect(errorsOf(result)).toHaveLength(1);
    expect(errorsOf(result)[0]).toMatch(/^\/events\/0\/type must be equal to one of the allowed values: "message",/);
  });

  it('rejects a destination that is not a bot user id', () => {
    expect(validateLineWebhook({ destination: 'bot', events: [] }).ok).toBe(false);
  });
});

const quickReply = {
  items: [
    { type: 'action', action: { type: 'postback', label: 'はい', data: 'answer=yes', displayText: 'はい' } },
    {
      type: 'action',
      action: { type: 'datetimepicker', label: '日付を選ぶ', data: 'step=founded', mode: 'date', max: '2025-06-30' },
    },
  ],
};

const bubble = {
  type: 'flex',
  altText: '応募内容の確認',
  contents: {
    type: 'bubble',
    body: {
      type: 'box',
      layout: 'vertical',
      contents: [
        { type: 'text', text: '応募内容', weight: 'bold', size: 'lg' },
        { type: 'separator', margin: 'md' },
        { type: 'text', text: '船橋市', wrap: true },
      ],
    },
    footer: {
      type: 'box',
      layout: 'horizontal',
      contents: [{ type: 'button', style: 'primary', action: { type: 'postback', label: '送信', data: 'submit' } }],
    },
  },
};

const text = (value: string) => ({ type: 'text', text: value });

describe('validateLineRequest', () => {
  it('accepts a reply with a quick reply and a flex bubble', () => {
    const body = { replyToken: 'r', messages: [{ ...text('設立日を教えてください'), quickReply }, bubble] };
    expect(validateLineRequest('POST', '/v2/bot/message/reply', body)).toEqual({ ok: true });
  });

  it('rejects a reply with six messages', () => {
    const body = { replyToken: 'r', messages: Array.from({ length: 6 }, (_, i) => text(`${i}`)) };
    expect(errorsOf(validateLineRequest('POST', '/v2/bot/message/reply', body))).toEqual([
      '/messages must NOT have more than 5 items',
    ]);
  });

  it('rejects a text message without text', () => {
    const body = { replyToken: 'r', messages: [{ type: 'text' }] };
    expect(errorsOf(validateLineRequest('POST', '/v2/bot/message/reply', body))).toEqual([
      "/messages/0 must have required property 'text'",
    ]);
  });

  it('rejects a quick reply with an unknown action type', () => {
    const items = [{ type: 'action', action: { type: 'teleport', label: 'x' } }];
    const body = { replyToken: 'r', messages: [{ ...text('?'), quickReply: { items } }] };
    const errors = errorsOf(validateLineRequest('POST', '/v2/bot/message/reply', body));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\/messages\/0\/quickReply\/items\/0\/action\/type must be equal to one of/);
  });

  it('looks inside flex containers: a box without layout fails', () => {
    const broken = structuredClone(bubble) as { contents: { body: Record<string, unknown> } };
    delete broken.contents.body.layout;
    const body = { replyToken: 'r', messages: [broken] };
    expect(errorsOf(validateLineRequest('POST', '/v2/bot/message/reply', body))).toEqual([
      "/messages/0/contents/body must have required property 'layout'",
    ]);
  });

  it('accepts a push', () => {
    const body = { to: userId, messages: [text('締切まであと3日です')], notificationDisabled: false };
    expect(validateLineRequest('POST', '/v2/bot/message/push', body)).toEqual({ ok: true });
  });

  it('accepts a loading animation and checks its bounds', () => {
    const path = '/v2/bot/chat/loading/start';
    expect(validateLineRequest('POST', path, { chatId: userId, loadingSeconds: 20 })).toEqual({ ok: true });
    expect(errorsOf(validateLineRequest('POST', path, { chatId: userId, loadingSeconds: 90 }))).toEqual([
      '/loadingSeconds must be <= 60',
    ]);
  });

  it('finds data API operations, and checks the host when given a full URL', () => {
    expect(validateLineRequest('GET', '/v2/bot/message/468789577898262531/content')).toEqual({ ok: true });
    expect(validateLineRequest('GET', 'https://api-data.line.me/v2/bot/message/46878/content')).toEqual({ ok: true });
    expect(errorsOf(validateLineRequest('GET', 'https://api.line.me/v2/bot/message/46878/content'))).toEqual([
      'GET https://api.line.me/v2/bot/message/46878/content: getMessageContent is served from https://api-data.line.me',
    ]);
  });

  it('rejects operations that do not exist and bodies that are missing', () => {
    expect(validateLineRequest('POST', '/v2/bot/message/shout', { messages: [] }).ok).toBe(false);
    expect(errorsOf(validateLineRequest('POST', '/v2/bot/message/push'))).toEqual([
      'POST /v2/bot/message/push: a request body is required',
    ]);
  });
});

describe('validateDiscordRequest', () => {
  const message = {
    content: '新しい応募がありました（受付番号 2025-0012）',
    allowed_mentions: { parse: [] },
    components: [
      { type: 1, components: [{ type: 2, style: 1, label: '確認する', custom_id: 'application:open:2025-0012' }] },
    ],
  };

  it.each([
    '/api/v10/channels/1234567890123456789/messages',
    '/channels/1234567890123456789/messages',
    'https://discord.com/api/v10/channels/1234567890123456789/messages',
  ])('accepts a create-message body at %s', (path) => {
    expect(validateDiscordRequest('POST', path, message)).toEqual({ ok: true });
  });

  it('rejects content that is not a string or too long', () => {
    const path = '/api/v10/channels/1/messages';
    expect(errorsOf(validateDiscordRequest('POST', path, { content: 42 }))).toEqual(['/content must be string,null']);
    expect(errorsOf(validateDiscordRequest('POST', path, { content: 'あ'.repeat(4001) }))).toEqual([
      '/content must NOT have more than 4000 characters',
    ]);
  });
});

/** A small document exercising the OpenAPI features the LINE and Discord specs may not. */
const petStore: OpenApiDocument = {
  openapi: '3.0.3',
  servers: [{ url: 'https://pets.example/v1' }],
  paths: {
    '/pets/{petId}': { put: { requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } } } },
    '/pets/search': {
      put: { requestBody: { content: { 'application/json; charset=utf-8': { schema: { $ref: '#/components/schemas/Query' } } } } },
    },
    '/pets/{petId}/photo': { put: { requestBody: { content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } } } },
    '/pets/{petId}/adopt': { post: {} },
  },
  components: {
    schemas: {
      Pet: {
        type: 'object',
        required: ['kind', 'name'],
        properties: { kind: { type: 'string' }, name: { type: 'string' }, tag: { type: 'string', nullable: true } },
        // No mapping: the subtypes are the schemas that inherit Pet, keyed by their names.
        discriminator: { propertyName: 'kind' },
      },
      Cat: { allOf: [{ $ref: '#/components/schemas/Pet' }, { type: 'object', required: ['lives'], properties: { lives: { type: 'integer', minimum: 0, exclusiveMinimum: true } } }] },
      Dog: { allOf: [{ $ref: '#/components/schemas/Pet' }, { type: 'object', properties: { chip: { type: 'string', format: 'rfid' } } }] },
      Owner: { type: 'object', properties: { email: { type: 'string', format: 'email' }, pet: { allOf: [{ $ref: '#/components/schemas/Pet' }], nullable: true } } },
      Query: {
        oneOf: [{ $ref: '#/components/schemas/ByName' }, { $ref: '#/components/schemas/ByTag' }],
        discriminator: { propertyName: 'by', mapping: { name: 'ByName', tag: '#/components/schemas/ByTag' } },
      },
      ByName: { type: 'object', required: ['by', 'name'], properties: { by: { type: 'string' }, name: { type: 'string' } } },
      ByTag: { type: 'object', required: ['by'], properties: { by: { type: 'string' }, tag: { type: 'string' } } },
    },
  },
};

describe('validateSchema', () => {
  it.each([
    ['a cat', { kind: 'Cat', name: 'Tama', lives: 9 }, true],
    ['a cat without lives', { kind: 'Cat', name: 'Tama' }, false],
    ['a cat with zero lives (exclusiveMinimum: true)', { kind: 'Cat', name: 'Tama', lives: 0 }, false],
    ['a dog with an unknown-format chip', { kind: 'Dog', name: 'Pochi', chip: 'anything' }, true],
    ['a null tag (nullable)', { kind: 'Dog', name: 'Pochi', tag: null }, true],
    ['a numeric tag', { kind: 'Dog', name: 'Pochi', tag: 3 }, false],
    ['a bird (no such subtype)', { kind: 'Bird', name: 'Piyo' }, false],
    ['a pet without kind', { name: 'Piyo' }, false],
  ])('Pet: %s → %s', (_name, value, ok) => {
    expect(validateSchema(petStore, 'Pet', value).ok).toBe(ok);
  });

  it.each([
    ['a nullable wrapped reference', { pet: null }, true],
    ['a wrapped reference still dispatches', { pet: { kind: 'Cat', name: 'Tama' } }, false],
    ['a valid email', { email: 'taro@example.jp' }, true],
    ['an invalid email', { email: 'taro' }, false],
  ])('Owner: %s → %s', (_name, value, ok) => {
    expect(validateSchema(petStore, 'Owner', value).ok).toBe(ok);
  });

  it.each([
    [{ by: 'name', name: 'Tama' }, true],
    [{ by: 'name' }, false],
    [{ by: 'tag' }, true],
    [{ by: 'colour' }, false],
  ])('Query (oneOf + discriminator): %j → %s', (value, ok) => {
    expect(validateSchema(petStore, 'Query', value).ok).toBe(ok);
  });

  it('throws on a schema name the document lacks, which is a mistake in the test', () => {
    expect(() => validateSchema(petStore, 'Parrot', {})).toThrow(/Parrot/);
  });
});

describe('validateRequest', () => {
  it('prefers a literal path segment over a parameter', () => {
    expect(validateRequest(petStore, 'PUT', '/pets/search?limit=1', { by: 'tag' })).toEqual({ ok: true });
    expect(validateRequest(petStore, 'PUT', '/pets/123', { by: 'tag' }).ok).toBe(false);
  });

  it('strips the server base path and checks full URLs against the servers', () => {
    const cat = { kind: 'Cat', name: 'Tama', lives: 9 };
    expect(validateRequest(petStore, 'put', '/v1/pets/1', cat)).toEqual({ ok: true });
    expect(validateRequest(petStore, 'put', 'https://pets.example/v1/pets/1', cat)).toEqual({ ok: true });
    expect(validateRequest(petStore, 'put', 'https://evil.example/v1/pets/1', cat).ok).toBe(false);
  });

  it.each([
    ['a body where none is defined', 'POST', '/pets/1/adopt', {}, 'the operation takes no request body'],
    ['a JSON body to a binary upload', 'PUT', '/pets/1/photo', {}, 'the operation takes no JSON body (accepts image/png)'],
    ['no body where one is required', 'PUT', '/pets/1', undefined, 'a request body is required'],
    ['an unknown method', 'FETCH', '/pets/1', {}, 'FETCH is not an HTTP method'],
    ['an unknown path', 'PUT', '/owners/1', {}, 'no such operation in the document'],
  ])('rejects %s', (_name, method, path, body, error) => {
    expect(validateRequest(petStore, method, path, body)).toEqual({ ok: false, errors: [`${method} ${path}: ${error}`] });
  });
});
