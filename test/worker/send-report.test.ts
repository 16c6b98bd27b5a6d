/**
 * A send (one batch to many people) reports what became of each recipient, from the
 * outbox rows themselves; rows that say the same thing share a content digest, which is
 * what lets them go out together.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxRows } from '../../core/outbox/outbox.repository.ts';
import { literalText } from '../../core/outbox/outbox-content.ts';
import { createSend, sendReport, sendReports } from '../../core/outbox/sends.repository.ts';
import { eventually } from '../support/ouen-harness.ts';
import { startWorkerFixture, type WorkerFixture } from '../support/worker-fixture.ts';

let f: WorkerFixture;

beforeAll(async () => {
  f = await startWorkerFixture();
});

afterAll(async () => {
  await f?.close();
});

describe('a send', () => {
  it('reports targeted, sent, skipped (blocked) and failed from its rows', async () => {
    const now = new Date();
    const people = [await f.lineParticipant(), await f.lineParticipant(), await f.lineParticipant({ unreachable: true }), await f.lineParticipant()];
    const sendId = await createSend(f.sql, { kind: 'broadcast', label: 'お知らせ', createdBy: 'discord:1' }, now);
    const content = literalText({ ja: '説明会は 12 月 10 日です', en: 'The briefing is on 10 December' });
    const later = new Date('2100-01-01');
    const ids = await createOutboxRows(f.sql, f.sealer, people.map((p) => ({ participantId: p.participantId, content, kind: 'broadcast', sendId, notBefore: later })), now);
    expect(await sendReport(f.sql, sendId)).toMatchObject({ kind: 'broadcast', label: 'お知らせ', targeted: 4, sent: 0, skipped: 0, failed: 0, waiting: 4 });

    f.line.failNextPushes({ status: 400 });
    // One due at a time (rows due together would go out as one multicast), so the refused push is the first person's.
    for (const id of ids) {
      await f.db.prisma.outboxMessage.update({ where: { id }, data: { notBefore: new Date() } });
      await f.queue.enqueue([id]);
      await eventually(async () => (await f.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id } })).status !== 'pending');
    }
    expect(await sendReport(f.sql, sendId)).toMatchObject({ targeted: 4, sent: 2, skipped: 1, failed: 1, waiting: 0 });
    expect((await sendReports(f.sql, { latest: 5 }))[0]!.id).toBe(sendId);
    expect(await sendReport(f.sql, '00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('gives rows that say the same thing one content digest, and different content another', async () => {
    const now = new Date('2100-01-01');
    const [a, b] = [await f.lineParticipant(), await f.lineParticipant()];
    const same = literalText({ ja: '同じ内容', en: 'the same' });
    const [one, two, other] = await createOutboxRows(f.sql, f.sealer, [
      { participantId: a.participantId, content: same, kind: 'broadcast', notBefore: now },
      { participantId: b.participantId, content: same, kind: 'broadcast', notBefore: now },
      { participantId: b.participantId, content: literalText({ ja: '別の内容', en: 'another' }), kind: 'broadcast', notBefore: now },
    ], now);
    const hash = async (id: string | undefined) => (await f.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: id! } })).contentHash;
    expect(await hash(one)).toBe(await hash(two));
    expect(await hash(other)).not.toBe(await hash(one));
    // Keyed: the digest is not a plain hash anyone could compute from a guessed message.
    expect(await hash(one)).not.toContain('同じ');
  });
});
