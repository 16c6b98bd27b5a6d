/**
 * The event in the stats (`npx ouen stats --json`, the staff /stats) on real PostgreSQL:
 * capacity, registered, waitlisted, cancelled; the configured capacity before the first
 * sync; no `event` key for a program without an event; the other keys unchanged.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sealer } from '../../core/crypto/sealer.ts';
import { sqlClient, transactOn } from '../../core/db/pg-transaction.ts';
import { cancelEventRegistration } from '../../core/events/cancel-registration.ts';
import { registerForEvent } from '../../core/events/register-for-event.ts';
import { syncEvent } from '../../core/events/sync-event.ts';
import { collectStats, statsEventOf } from '../../core/stats/collect-stats.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { eventAnswers, newParticipant, REGISTRATION_OPEN, testEvent } from '../support/event-fixtures.ts';
import { program } from '../support/flow-harness.ts';

const key = randomBytes(32);
const sealer = new Sealer(key);
const now = REGISTRATION_OPEN;
const event = program.event!;
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

describe('collectStats with an event', () => {
  it('counts the configured capacity and nothing else before the event is synced', async () => {
    const stats = await collectStats(sqlClient(db.sql), program.contest.id, statsEventOf(program));
    expect(stats.event).toEqual({ capacity: event.registration.capacity, registered: 0, waitlisted: 0, cancelled: 0 });
  });

  it('leaves `event` out for a program without one, and keeps every other key', async () => {
    const stats = await collectStats(sqlClient(db.sql), program.contest.id, statsEventOf({ ...program, event: undefined }));
    expect(Object.keys(stats)).toEqual(['applications', 'participants', 'consentsGranted', 'consentsRefused', 'outbox', 'webhookEvents', 'audit']);
  });

  it('counts registrations by status, through node-postgres, Prisma and `npx ouen stats --json` alike', async () => {
    await syncEvent(transactOn(db.sql), sealer, testEvent(event.id, 2), now);
    const ids: Array<{ participantId: string; registrationId: string }> = [];
    for (let i = 0; i < 4; i++) {
      const participantId = await newParticipant(db.prisma);
      const outcome = await transactOn(db.sql)((tx) => registerForEvent(tx, sealer, {
        eventId: event.id, participantId, attendeeType: 'founder', answers: eventAnswers(`参加 ${i}`), now, actor: 'test',
      }));
      ids.push({ participantId, registrationId: (outcome as { registrationId: string }).registrationId });
    }
    await transactOn(db.sql)((tx) => cancelEventRegistration(tx, sealer, { eventId: event.id, ...ids[3]!, now, actor: 'test' }));
    const expected = { capacity: 2, registered: 2, waitlisted: 1, cancelled: 1 };
    expect((await collectStats(sqlClient(db.sql), program.contest.id, statsEventOf(program))).event).toEqual(expected);

    const bin = join(import.meta.dirname, '..', '..', 'bin', 'ouen.mjs');
    const { stdout } = await promisify(execFile)('node', [bin, 'stats', '--json'], {
      env: {
        ...process.env, DATABASE_URL: db.connectionString, OUEN_ENCRYPTION_KEY: key.toString('base64'),
        OUEN_DATA_DIR: mkdtempSync(join(tmpdir(), 'ouen-event-stats-')), LOG_LEVEL: 'silent',
      },
    });
    const json = JSON.parse(stdout) as Record<string, unknown>;
    expect(json.event).toEqual(expected);
    expect(json.participants).toEqual({ total: 4, unreachable: 0 });
  }, 120_000);
});
