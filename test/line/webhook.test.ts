import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../support/ouen-harness.ts';
import { botTexts, callbackBody, LineUser, MINIMAL_PDF } from '../support/line-events.ts';
import { validateLineRequest, validateLineWebhook } from '../support/line-spec.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const body = (...events: ReturnType<LineUser['text']>[]) => {
  const b = callbackBody(h.line.botUserId, ...events);
  expect(validateLineWebhook(b)).toEqual({ ok: true });
  return b;
};

describe('POST /webhooks/line', () => {
  it('refuses a wrong or missing signature with 401 and stores nothing', async () => {
    const user = new LineUser(h.line);
    const wrong = await h.post(body(user.text('応募')), { signature: 'AAAA' });
    const missing = await h.post(body(user.text('応募')), { signature: null });
    expect([wrong.status, missing.status]).toEqual([401, 401]);
    expect(await h.db.prisma.inboxEvent.count({ where: { lineUserId: user.userId } })).toBe(0);
  });

  it('answers malformed JSON and non-webhook bodies with 400', async () => {
    expect((await h.post(undefined, { raw: '{"events": [' })).status).toBe(400);
    expect((await h.post({ destination: 'x', events: 'nope' }, { unchecked: true })).status).toBe(400);
    expect((await h.post({ destination: 'x', events: [{ type: 'message' }] }, { unchecked: true })).status).toBe(400);
  });

  it('answers LINE\'s empty connection check with 200', async () => {
    expect((await h.post({ destination: h.line.botUserId, events: [] })).status).toBe(200);
  });

  it('greets a new follower and replies with the menu, within the spec', async () => {
    const user = new LineUser(h.line);
    const response = await h.post(body(user.follow()));
    expect(response.status).toBe(200);
    await h.settle();
    const texts = botTexts(h.line, user.userId);
    expect(texts[0]).toContain('はじめまして');
    const replies = h.line.requests.filter((r) => r.path === '/v2/bot/message/reply');
    expect(replies.length).toBeGreaterThan(0);
    for (const request of h.line.requests) {
      expect(validateLineRequest(request.method, request.path, request.body), `${request.method} ${request.path}`).toEqual({ ok: true });
    }
  });

  it('processes a redelivered event only once', async () => {
    const user = new LineUser(h.line);
    const event = user.text('応募');
    await h.post(body(event));
    await h.settle();
    const redelivered = { ...event, deliveryContext: { isRedelivery: true } };
    expect((await h.post(body(redelivered as typeof event))).status).toBe(200);
    await h.settle();
    expect(botTexts(h.line, user.userId)).toHaveLength(1);
    expect(await h.db.prisma.inboxEvent.count({ where: { lineUserId: user.userId } })).toBe(1);
  });

  it('processes one user\'s events in order, even several in one request', async () => {
    const user = new LineUser(h.line);
    await h.post(body(user.text('応募'), user.choose('yes'), user.choose('now'), user.text('船橋市')));
    await h.settle();
    const texts = botTexts(h.line, user.userId);
    expect(texts).toHaveLength(4);
    expect(texts[0]).toContain('個人情報');
    expect(texts[1]).toContain('千葉県内に事業の拠点');
    expect(texts[2]).toContain('市町村名');
    expect(texts[3]).toContain('創業の状況');
  });

  it('ignores standby events: not stored, not answered', async () => {
    const user = new LineUser(h.line);
    const { replyToken: _unused, ...withoutToken } = user.text('応募');
    // LINE sends standby events without a reply token.
    const standby = { ...withoutToken, mode: 'standby' } as unknown as ReturnType<LineUser['text']>;
    expect((await h.post({ destination: h.line.botUserId, events: [standby] })).status).toBe(200);
    await h.settle();
    expect(botTexts(h.line, user.userId)).toEqual([]);
    expect(await h.db.prisma.inboxEvent.count({ where: { lineUserId: user.userId } })).toBe(0);
  });

  it('ignores event types it does not handle, without an error', async () => {
    const user = new LineUser(h.line);
    const beacon = { ...user.follow(), type: 'beacon', beacon: { hwid: 'd41d8cd98f', type: 'enter' } };
    expect((await h.post({ destination: h.line.botUserId, events: [beacon] })).status).toBe(200);
    await h.settle();
    const row = await h.db.prisma.inboxEvent.findFirst({ where: { lineUserId: user.userId } });
    expect(row?.status).toBe('ignored');
    expect(row?.payloadSealed).toBeNull();
  });

  it('re-prompts stickers, 5,000-character texts, control characters and emoji without losing the draft', async () => {
    const user = new LineUser(h.line);
    await h.post(body(user.text('応募'), user.choose('yes'), user.choose('now'), user.text('船橋市'), user.choose('notYet')));
    const sticker = { ...user.text('x'), message: { type: 'sticker', id: '1', packageId: '1', stickerId: '1', stickerResourceType: 'STATIC', quoteToken: 'q' } };
    const responses = await Promise.all([
      h.post(body(sticker as ReturnType<LineUser['text']>)),
      h.post(body(user.text('あ'.repeat(5000)))),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    await h.post(body(user.text('千葉\u0007 太郎👩‍👩‍👧 e\u0301')));
    await h.settle();
    const texts = botTexts(h.line, user.userId);
    expect(texts.at(-3)).toContain('文字でお答えください');
    expect(texts.at(-2)).toContain('50字以内');
    expect(texts.at(-1)).toContain('ふりがな');
    expect(await h.db.prisma.application.count({ where: { participant: { lineUserId: user.userId } } })).toBe(1);
  });

  it('refuses a file that only claims to be a PDF, and keeps the draft', async () => {
    const user = new LineUser(h.line);
    await h.post(body(user.text('応募'), user.choose('yes'), user.choose('now'), user.text('船橋市'), user.choose('notYet')));
    const answers = ['千葉 太郎', 'ちば たろう', 'taro@example.jp', '09012345678'];
    await h.post(body(...answers.map((a) => user.text(a)), user.choose('30s'), user.choose('founder'), user.text('ちばラボ'),
      user.text('工房'), user.choose('tourism'), user.text('概要'), user.text('課題')));
    await h.post(body(user.file('plan.pdf', Buffer.from('PK\u0003\u0004 not a pdf at all'))));
    await h.settle();
    expect(botTexts(h.line, user.userId).at(-1)).toContain('PDFファイルのみ');
    expect(await h.db.prisma.applicationDocument.count({ where: { application: { participant: { lineUserId: user.userId } } } })).toBe(0);
  });

  it('pushes through the outbox when the reply fails, with a retry key', async () => {
    const user = new LineUser(h.line);
    await h.post(body(user.withStaleToken(user.text('応募'))));
    await h.settle();
    const push = await eventually(() => h.line.requests.find((r) => r.path === '/v2/bot/message/push' && (r.body as { to: string }).to === user.userId));
    expect(push.headers['x-line-retry-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(validateLineRequest('POST', push.path, push.body)).toEqual({ ok: true });
    await eventually(async () => (await h.db.prisma.outboxMessage.findFirst({ where: { participant: { lineUserId: user.userId } } }))?.status === 'sent');
  });

  it('marks an unfollowing user unreachable', async () => {
    const user = new LineUser(h.line);
    await h.post(body(user.follow()));
    await h.post(body(user.unfollow()));
    await h.settle();
    const participant = await h.db.prisma.participant.findUnique({ where: { lineUserId: user.userId } });
    expect(participant?.unreachableAt).toBeInstanceOf(Date);
  });
});

describe('a whole application over the webhook', () => {
  it('ends with a receipt number, a sealed row, a stored PDF, and one receipt for two taps', async () => {
    const user = new LineUser(h.line);
    await h.post(body(
      user.text('応募'), user.choose('yes'), user.choose('now'), user.text('船橋市'), user.choose('corporation'), user.date('2024-04-01'),
      user.text('千葉 太郎'), user.text('ちば たろう'), user.text('Taro@Example.jp'), user.text('090-1234-5678'),
      user.choose('30s'), user.choose('founder'), user.text('ちばラボ'), user.text('房総の工房'), user.choose('tourism'),
      user.text('空き家を工房にします。'), user.text('空き家の増加。'),
    ));
    const pdfMessageId = '900000000000000001';
    await h.post(body(user.file('plan.pdf', MINIMAL_PDF, pdfMessageId)));
    await h.post(body(user.choose('yes'), user.choose('sns')));
    await h.settle();
    expect(botTexts(h.line, user.userId).at(-1)).toContain('応募内容の確認');
    await h.post(body(user.choose('submit'), user.choose('submit')));
    await h.settle();
    const texts = botTexts(h.line, user.userId);
    expect(texts.at(-2)).toMatch(/受付番号：BC2026-\d{4}/);
    expect(texts.at(-1)).toContain('すでに受け付けています');

    const application = await h.db.prisma.application.findFirstOrThrow({
      where: { participant: { lineUserId: user.userId } }, include: { documents: true },
    });
    expect(application.status).toBe('submitted');
    expect(application.answersSealed).not.toContain('taro');
    expect(application.answersSealed).not.toContain('太郎');
    expect(application.emailIndex).toBe(h.ouen.sealer.blindIndex('email', 'taro@example.jp'));
    expect(application.municipality).toBe('船橋市');
    expect(application.documents).toHaveLength(1);
    expect(Buffer.from(application.documents[0]!.contentSealed).includes(Buffer.from('%PDF'))).toBe(false);

    await h.post(body(user.unsend(pdfMessageId)));
    await h.settle();
    expect(await h.db.prisma.applicationDocument.count({ where: { applicationId: application.id } })).toBe(0);

    for (const request of h.line.requests) {
      expect(validateLineRequest(request.method, request.path, request.body), `${request.method} ${request.path}`).toEqual({ ok: true });
    }
  });
});
