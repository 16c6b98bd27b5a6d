import type { Server } from 'node:http';
import express from 'express';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleRouter } from '../../bot/console/console.route.ts';
import { createFakeLineApi, type FakeLineStore } from '../../bot/console/fake-line-api.ts';

describe('the console\'s rich menu', () => {
  let server: Server;
  let base: string;
  let store: FakeLineStore;

  beforeAll(async () => {
    store = createFakeLineApi({ channelAccessToken: 'token' }).store;
    const app = express().use(consoleRouter({ channelSecret: 'secret', webhookUrl: 'http://127.0.0.1:9/webhooks/line', store }));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const transcript = async (userId: string) => (await (await fetch(`${base}/console/api/users/${userId}/transcript?after=0`)).json()) as { richMenu: unknown };
  const menu = (name: string) => {
    const created = store.richMenus.create({
      size: { width: 2500, height: 843 }, selected: false, name, chatBarText: 'メニュー',
      areas: [{ bounds: { x: 0, y: 0, width: 2500, height: 843 }, action: { type: 'message', label: 'ヘルプ', text: 'ヘルプ' } }],
    })!;
    store.richMenus.setImage(created.richMenuId, 'image/png', PNG.sync.write(new PNG({ width: 2500, height: 843 })));
    return created.richMenuId;
  };

  it('shows the menu the user sees (their own, else the default) with its tap areas, and serves its image', async () => {
    const { userId } = store.createUser({ displayName: '花子', language: 'ja' });
    expect((await transcript(userId)).richMenu).toBeNull();
    const general = menu('default');
    store.richMenus.setDefault(general);
    expect((await transcript(userId)).richMenu).toMatchObject({ richMenuId: general, chatBarText: 'メニュー', areas: [{ action: { type: 'message', text: 'ヘルプ' } }] });
    const own = menu('own');
    store.richMenus.link(userId, own);
    expect((await transcript(userId)).richMenu).toMatchObject({ richMenuId: own });
    const image = await fetch(`${base}/console/api/rich-menus/${own}/image`);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(PNG.sync.read(Buffer.from(await image.arrayBuffer())).width).toBe(2500);
    expect((await fetch(`${base}/console/api/rich-menus/richmenu-none/image`)).status).toBe(404);
  });
});
