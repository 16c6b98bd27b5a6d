/** Events and people to register, for the event registration tests. */
import { randomBytes } from 'node:crypto';
import type { EventConfig } from '../../flows/event/event-config.ts';
import type { PrismaClient } from '../../core/db/types.ts';
import { program } from './flow-harness.ts';

/** Registration of the built-in program's event runs from 1 Dec 2026 10:00 to 20 Jan 2027 17:00 (Tokyo). */
export const REGISTRATION_OPEN = new Date('2026-12-10T10:00:00+09:00');
export const BEFORE_OPENING = new Date('2026-12-01T09:59:59+09:00');
export const AFTER_CLOSING = new Date('2027-01-20T17:00:00+09:00');

/** The built-in program's event under its own id, with `capacity` places. */
export function testEvent(id: string, capacity: number): EventConfig {
  const event = program.event!;
  return { ...event, id, registration: { ...event.registration, capacity } };
}

/** A new participant (a LINE user); returns the id. */
export async function newParticipant(prisma: PrismaClient): Promise<string> {
  const lineUserId = `U${randomBytes(16).toString('hex')}`;
  return (await prisma.participant.create({ data: { lineUserId, language: 'ja' } })).id;
}

/** Answers to the built-in event's questions. */
export function eventAnswers(name: string, email = 'taro@example.jp'): Record<string, string> {
  return { name, affiliation: 'ちばラボ株式会社', email, heardFrom: 'poster' };
}
