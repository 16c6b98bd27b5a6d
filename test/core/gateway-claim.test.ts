/** Two ouen processes connected to one Discord bot receive every event; exactly one claims each. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlClient } from '../../core/db/pg-transaction.ts';
import { claimGatewayEvent } from '../../core/inbox/inbox.repository.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('claimGatewayEvent', () => {
  it('gives an event to one claimant, and never to the replay of pending events', async () => {
    const now = new Date();
    const claims = await Promise.all([1, 2, 3].map(() => claimGatewayEvent(sqlClient(db.sql), 'discord:1234', 'discord', now)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await db.prisma.inboxEvent.findUniqueOrThrow({ where: { webhookEventId: 'discord:1234' } })).toMatchObject({ status: 'processed', payloadSealed: null });
  });
});
