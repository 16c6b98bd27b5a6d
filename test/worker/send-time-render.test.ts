/**
 * Outbox rows hold channel-neutral content and are rendered when they are sent: in the
 * language the person uses at that moment, for the channel they are reached through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxRows } from '../../core/outbox/outbox.repository.ts';
import { flowContent } from '../../core/outbox/outbox-content.ts';
import { translate } from '../../flows/index.ts';
import { eventually } from '../support/ouen-harness.ts';
import { validateLineRequest } from '../support/line-spec.ts';
import { startWorkerFixture, type WorkerFixture } from '../support/worker-fixture.ts';

let f: WorkerFixture;

beforeAll(async () => {
  f = await startWorkerFixture();
});

afterAll(async () => {
  await f?.close();
});

const closed = flowContent([{ type: 'text', text: { key: 'handoff.closed' }, choices: [{ label: { key: 'handoff.closed' }, value: 'menu' }] }]);
const row = (id: string) => f.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id } });
const pushedTexts = (lineUserId: string) =>
  f.pushes().filter((p) => p.to === lineUserId && p.status === 200).flatMap((p) => (p.request.body as { messages: Array<{ text: string }> }).messages.map((m) => m.text));

describe('an outbox row', () => {
  it('is rendered in the language the person uses when it is sent, not when it was written', async () => {
    const { participantId, lineUserId } = await f.lineParticipant();
    const [id] = await createOutboxRows(f.sql, f.sealer, [{ participantId, content: closed, kind: 'test', notBefore: new Date() }], new Date());
    // The person switches to English after the row was written, before the worker takes it.
    await f.db.prisma.participant.update({ where: { id: participantId }, data: { language: 'en' } });
    await f.queue.enqueue([id!]);
    await eventually(async () => (await row(id!)).status === 'sent');
    expect(pushedTexts(lineUserId)).toEqual([translate('en', 'handoff.closed')]);
    const push = f.pushes().find((p) => p.to === lineUserId)!;
    expect(validateLineRequest('POST', '/v2/bot/message/push', push.request.body)).toEqual({ ok: true });
    // Choices become LINE quick replies.
    expect((push.request.body as { messages: Array<{ quickReply: { items: unknown[] } }> }).messages[0]!.quickReply.items).toHaveLength(1);
  });

  it('keeps what it says sealed: the stored content is not readable in the database', async () => {
    const { participantId } = await f.lineParticipant();
    const [id] = await createOutboxRows(f.sql, f.sealer, [{
      participantId, content: { messages: [{ type: 'text', text: { literal: { ja: '秘密の本文です', en: 'a secret body' } } }] }, kind: 'test', notBefore: new Date('2100-01-01'),
    }], new Date());
    const stored = await row(id!);
    expect(stored.contentSealed).not.toContain('秘密');
    expect(stored.contentSealed).not.toContain('secret');
  });

  it('with a dedupe key already written is not written again: a re-run reminder makes no second message', async () => {
    const { participantId } = await f.lineParticipant();
    const later = new Date('2100-01-01');
    const write = () => createOutboxRows(f.sql, f.sealer, [{
      participantId, content: closed, kind: 'reminder:test', about: { entity: 'event', id: 'e1' }, dedupeKey: `reminder:test:${participantId}`, notBefore: later,
    }], new Date());
    const [first] = await write();
    await write();
    const rows = await f.db.prisma.outboxMessage.findMany({ where: { participantId } });
    expect(rows.map((r) => ({ id: r.id, kind: r.kind, entity: r.entity, entityId: r.entityId }))).toEqual([{ id: first, kind: 'reminder:test', entity: 'event', entityId: 'e1' }]);
  });

  it('written before content was channel-neutral (rendered LINE messages) is still sent as it was written', async () => {
    const { participantId, lineUserId } = await f.lineParticipant();
    const [id] = await createOutboxRows(f.sql, f.sealer, [{ participantId, content: closed, kind: 'test', notBefore: new Date('2100-01-01') }], new Date());
    const legacy = f.sealer.sealJson([{ type: 'text', text: '以前の形式のお知らせ' }], `outbox:${participantId}`);
    await f.db.prisma.outboxMessage.update({ where: { id: id! }, data: { contentSealed: legacy, notBefore: new Date() } });
    await f.queue.enqueue([id!]);
    await eventually(async () => (await row(id!)).status === 'sent');
    expect(pushedTexts(lineUserId)).toEqual(['以前の形式のお知らせ']);
  });
});
