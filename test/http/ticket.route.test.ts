/**
 * GET /tickets/<token>.png on a real express server and real PostgreSQL: a valid ticket
 * is a PNG whose QR code reads back as the token; a forged, altered or cancelled one, or
 * anything else, is a 404 that says nothing more; nothing is cached by shared caches.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import express from 'express';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketRouter } from '../../bot/http/ticket.route.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { sqlClient, transactOn } from '../../core/db/pg-transaction.ts';
import { cancelEventRegistration } from '../../core/events/cancel-registration.ts';
import { registerForEvent } from '../../core/events/register-for-event.ts';
import { syncEvent } from '../../core/events/sync-event.ts';
import { ticketImageUrl } from '../../core/events/ticket-token.ts';
import { createLogger } from '../../core/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { eventAnswers, newParticipant, REGISTRATION_OPEN, testEvent } from '../support/event-fixtures.ts';

/** jsqr is CommonJS typed as an ES module: its default export is the module itself, whose `default` is the function. */
const jsQR = jsQRModule.default;
const sealer = new Sealer(randomBytes(32));
const now = REGISTRATION_OPEN;
let db: TestDatabase;
let server: Server;
let base: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await syncEvent(transactOn(db.sql), sealer, testEvent('png', 10), now);
  const app = express().use(ticketRouter({ db: sqlClient(db.sql), sealer, logger: createLogger('silent') }));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await db?.drop();
});

async function registered(): Promise<{ participantId: string; registrationId: string; ticket: string }> {
  const participantId = await newParticipant(db.prisma);
  const outcome = await transactOn(db.sql)((tx) => registerForEvent(tx, sealer, {
    eventId: 'png', participantId, attendeeType: 'student', answers: eventAnswers('画像 太郎'), now, actor: 'test',
  }));
  if (outcome.outcome !== 'registered') throw new Error(`not registered: ${outcome.outcome}`);
  return { participantId, ...outcome };
}

const get = (token: string) => fetch(ticketImageUrl(base, token));

describe('GET /tickets/<token>.png', () => {
  it('serves the QR code of a valid ticket as a PNG that reads back as the token, never to be cached', async () => {
    const { ticket } = await registered();
    const response = await get(ticket);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('cache-control')).toContain('no-store');
    expect(response.headers.get('cache-control')).toContain('private');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.length).toBeGreaterThan(0);
    const png = PNG.sync.read(bytes);
    expect(png.width).toBeGreaterThanOrEqual(300);
    const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(code?.data).toBe(ticket);
  });

  it('answers 404 for a forged or altered token, with nothing about why', async () => {
    const { ticket } = await registered();
    const altered = Buffer.from(ticket, 'base64url');
    altered[30]! ^= 0x40;
    const forged = randomBytes(49).toString('base64url');
    for (const token of [altered.toString('base64url'), forged]) {
      const response = await get(token);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).not.toContain('image');
      expect(await response.text()).toBe('not found');
    }
  });

  it('answers 404 once the registration is cancelled', async () => {
    const { participantId, registrationId, ticket } = await registered();
    expect((await get(ticket)).status).toBe(200);
    await transactOn(db.sql)((tx) => cancelEventRegistration(tx, sealer, { eventId: 'png', participantId, registrationId, now, actor: 'test' }));
    expect((await get(ticket)).status).toBe(404);
  });

  it('answers 404 for paths that are not a ticket', async () => {
    const { ticket } = await registered();
    for (const path of [`/tickets/${ticket}`, `/tickets/${ticket}.jpg`, '/tickets/.png', '/tickets/..%2Fhealthz.png', `/tickets/${'A'.repeat(500)}.png`]) {
      expect((await fetch(`${base}${path}`)).status, path).toBe(404);
    }
  });
});
