import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sealer } from '../../core/crypto/sealer.ts';
import { InboxWriter } from '../../core/inbox/inbox-writer.ts';
import { sqlClient } from '../../core/db/pg-transaction.ts';
import { consumeInboxEvents } from '../../core/inbox/inbox.repository.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
const sealer = new Sealer(randomBytes(32));

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

const event = (id: string) => ({ webhookEventId: id, lineUserId: 'U1', eventType: 'message', occurredAt: new Date(), receivedAt: new Date(), payload: { secret: 'こんにちは' } });

describe('InboxWriter', () => {
  it('stores events from many concurrent requests, each told which of its events were new', async () => {
    const writer = new InboxWriter(db.sql, sealer);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => writer.accept([event(`e${i}`), event(`shared-${i % 5}`)])));
    expect(results.every((r) => r.has(`e${results.indexOf(r)}`))).toBe(true);
    expect(await db.prisma.inboxEvent.count()).toBe(55);
  });

  it('reports a redelivered event as not new', async () => {
    const writer = new InboxWriter(db.sql, sealer);
    expect([...await writer.accept([event('once')])]).toEqual(['once']);
    expect([...await writer.accept([event('once')])]).toEqual([]);
  });

  it('keeps the payload sealed', async () => {
    const row = await db.prisma.inboxEvent.findUniqueOrThrow({ where: { webhookEventId: 'once' } });
    expect(row.payloadSealed).not.toContain('こんにちは');
    expect(row.payloadSealed).toMatch(/^v1\./);
  });
});

describe('consumeInboxEvents', () => {
  const from = (id: string, user: string, at: string) => ({ webhookEventId: id, lineUserId: user, eventType: 'message', occurredAt: new Date(at), receivedAt: new Date(), payload: {} });

  it("holds a person's newer event back while an older one of theirs is still pending, and lets others through", async () => {
    const writer = new InboxWriter(db.sql, sealer);
    await writer.accept([
      from('older', 'Uorder', '2026-11-28T01:00:00Z'), from('newer', 'Uorder', '2026-11-28T01:00:05Z'), from('other', 'Uother', '2026-11-28T01:00:06Z'),
    ]);
    const tx = sqlClient(db.sql);
    expect([...await consumeInboxEvents(tx, ['newer', 'other'], new Date())]).toEqual(['other']);
    expect([...await consumeInboxEvents(tx, ['older'], new Date())]).toEqual(['older']);
    expect([...await consumeInboxEvents(tx, ['newer'], new Date())]).toEqual(['newer']);
  });

  it('marks a held-back event failed all the same, so a broken event never blocks a person', async () => {
    const writer = new InboxWriter(db.sql, sealer);
    await writer.accept([from('stuck-old', 'Ustuck', '2026-11-28T02:00:00Z'), from('stuck-new', 'Ustuck', '2026-11-28T02:00:05Z')]);
    expect([...await consumeInboxEvents(sqlClient(db.sql), ['stuck-new'], new Date(), 'failed')]).toEqual(['stuck-new']);
  });
});
