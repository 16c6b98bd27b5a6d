import type { Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import express from 'express';
import { PNG } from 'pngjs';
import { createFakeLineApi, FakeLineStore } from '../../bot/console/fake-line-api.ts';
import { LineApiError } from '../../channels/line/line-api.ts';
import { LineRichMenuApi } from '../../channels/line/rich-menu-api.ts';
import { validateLineRequest, validateLineSchema } from '../support/line-spec.ts';

const TOKEN = 'test-channel-access-token';

/** A blank PNG of the given size. */
const png = (width: number, height: number) => PNG.sync.write(new PNG({ width, height }));

const menu = (overrides: Record<string, unknown> = {}) => ({
  size: { width: 2500, height: 843 },
  selected: false,
  name: 'ouen:new-friend:test',
  chatBarText: 'メニュー / Menu',
  areas: [
    { bounds: { x: 0, y: 0, width: 1250, height: 843 }, action: { type: 'message', label: '応募する', text: '応募' } },
    { bounds: { x: 1250, y: 0, width: 1250, height: 843 }, action: { type: 'message', label: 'ヘルプ', text: 'ヘルプ' } },
  ],
  ...overrides,
});

describe('the fake LINE API\'s rich menus', () => {
  let store: FakeLineStore;
  let router: express.Router;
  let server: Server;
  let base: string;
  let api: LineRichMenuApi;

  beforeAll(async () => {
    const app = express().use((req, res, next) => router(req, res, next));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    api = new LineRichMenuApi({ channelAccessToken: TOKEN, apiBaseUrl: base, dataApiBaseUrl: base });
  });

  beforeEach(() => {
    store = new FakeLineStore();
    router = createFakeLineApi({ channelAccessToken: TOKEN, store }).router;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const call = (method: string, path: string, body?: unknown) => fetch(`${base}${path}`, {
    method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const status = async (promise: Promise<unknown>) => ((await promise.then(() => null, (e: unknown) => e)) as LineApiError | null)?.status;

  it('creates, uploads, lists, gets, sets as default and deletes a menu through the SDK, in requests the spec accepts', async () => {
    const id = await api.create(menu() as never);
    expect(id).toMatch(/^richmenu-[0-9a-f]{32}$/);
    await api.uploadImage(id, png(2500, 843));
    await api.setDefault(id);
    expect(await api.defaultId()).toBe(id);
    expect(await api.list()).toEqual([{ richMenuId: id, name: 'ouen:new-friend:test' }]);
    const got = await (await call('GET', `/v2/bot/richmenu/${id}`)).json();
    expect(validateLineSchema('RichMenuResponse', got)).toEqual({ ok: true });
    expect(store.richMenus.image(id)?.contentType).toBe('image/png');
    await api.delete(id);
    expect(await api.list()).toEqual([]);
    expect(await api.defaultId()).toBeNull();
    for (const request of store.requests) {
      expect(validateLineRequest(request.method, request.path, request.body), `${request.method} ${request.path}`).toEqual({ ok: true });
    }
    expect(store.requests.map((r) => `${r.method} ${r.path.replace(id, ':id')} ${r.status}`)).toEqual([
      'POST /v2/bot/richmenu 200', 'POST /v2/bot/richmenu/:id/content 200', 'POST /v2/bot/user/all/richmenu/:id 200',
      'GET /v2/bot/user/all/richmenu 200', 'GET /v2/bot/richmenu/list 200', 'GET /v2/bot/richmenu/:id 200',
      'DELETE /v2/bot/richmenu/:id 200', 'GET /v2/bot/richmenu/list 200', 'GET /v2/bot/user/all/richmenu 404',
    ]);
  });

  it.each([
    ['a width over 2500', { size: { width: 2600, height: 843 } }, 'size.width'],
    ['a height under 250', { size: { width: 800, height: 200 } }, 'size.height'],
    ['an aspect ratio under 1.45', { size: { width: 1200, height: 1000 } }, 'size'],
    ['a chat bar text over 14 characters', { chatBarText: 'あ'.repeat(15) }, 'chatBarText'],
    ['no areas', { areas: [] }, 'areas'],
    ['an area outside the menu', { areas: [{ bounds: { x: 2000, y: 0, width: 1000, height: 843 }, action: { type: 'message', text: 'x' } }] }, 'areas[0].bounds'],
    ['a message action without text', { areas: [{ bounds: { x: 0, y: 0, width: 100, height: 100 }, action: { type: 'message' } }] }, 'areas[0].action.text'],
  ])('refuses %s with LINE\'s error shape', async (_name, overrides, property) => {
    const response = await call('POST', '/v2/bot/richmenu', menu(overrides));
    expect(response.status).toBe(400);
    const body = await response.json() as { message: string; details: Array<{ property: string }> };
    expect(validateLineSchema('ErrorResponse', body)).toEqual({ ok: true });
    expect(body.details.map((d) => d.property)).toContain(property);
    expect((await call('POST', '/v2/bot/richmenu/validate', menu(overrides))).status).toBe(400);
  });

  it('takes an image only once, of the menu\'s size, PNG or JPEG, at most 1 MB', async () => {
    const id = await api.create(menu() as never);
    expect(await status(api.uploadImage(id, png(2500, 1686)))).toBe(400);
    expect(await status(api.uploadImage(id, png(2500, 843)))).toBeUndefined();
    expect(await status(api.uploadImage(id, png(2500, 843)))).toBe(400);
    expect(await status(api.uploadImage('richmenu-00000000000000000000000000000000', png(2500, 843)))).toBe(404);
    const other = await api.create(menu() as never);
    expect(await status(api.uploadImage(other, Buffer.alloc(1024 * 1024 + 1, 1)))).toBe(413);
  });

  it('refuses a default without an image', async () => {
    const id = await api.create(menu() as never);
    expect(await status(api.setDefault(id))).toBe(400);
  });

  it('links one user, many users (202, at most 500) and unlinks them; the user sees their own menu, else the default', async () => {
    const [a, b, c] = [1, 2, 3].map(() => store.createUser({ displayName: 'x', language: 'ja' }).userId) as [string, string, string];
    const general = await api.create(menu() as never);
    await api.uploadImage(general, png(2500, 843));
    await api.setDefault(general);
    const own = await api.create(menu({ name: 'ouen:applicant:test' }) as never);
    await api.uploadImage(own, png(2500, 843));
    await api.link(a, own);
    await api.bulkLink(own, [b, c]);
    expect([a, b, c].map((u) => store.richMenus.shownTo(u)?.richMenuId)).toEqual([own, own, own]);
    await api.bulkUnlink([b]);
    await api.unlink(c);
    expect([a, b, c].map((u) => store.richMenus.shownTo(u)?.richMenuId)).toEqual([own, general, general]);
    const bulk = store.requests.filter((r) => r.path.startsWith('/v2/bot/richmenu/bulk/'));
    expect(bulk.map((r) => r.status)).toEqual([202, 202]);
    for (const request of store.requests) expect(validateLineRequest(request.method, request.path, request.body)).toEqual({ ok: true });
    const tooMany = await call('POST', '/v2/bot/richmenu/bulk/link', { richMenuId: own, userIds: Array.from({ length: 501 }, () => a) });
    expect(tooMany.status).toBe(400);
    expect(await status(api.bulkLink('richmenu-00000000000000000000000000000000', [a]))).toBe(400);
  });

  it('answers a bulk link fault with its status and Retry-After', async () => {
    const user = store.createUser({ displayName: 'x', language: 'ja' }).userId;
    const id = await api.create(menu() as never);
    store.richMenus.failNextBulkLinks({ status: 429, retryAfter: 7 });
    const error = await api.bulkLink(id, [user]).catch((e: unknown) => e) as LineApiError;
    expect(error).toBeInstanceOf(LineApiError);
    expect({ status: error.status, retryAfterSeconds: error.retryAfterSeconds }).toEqual({ status: 429, retryAfterSeconds: 7 });
    await api.bulkLink(id, [user]);
    expect(store.richMenus.linked(user)).toBe(id);
  });
});
