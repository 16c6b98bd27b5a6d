/** Booths and bookings for the consultation tests: the built-in program's booths and event. */
import type { Sealer } from '../../core/crypto/sealer.ts';
import { transactOn } from '../../core/db/pg-transaction.ts';
import type { Transact } from '../../core/db/types.ts';
import { registerForEvent } from '../../core/events/register-for-event.ts';
import { syncEvent } from '../../core/events/sync-event.ts';
import { syncBoothSlots } from '../../core/consultations/sync-booth-slots.ts';
import { rulesOf } from '../../core/modules/booths.server-module.ts';
import { boothSlots } from '../../flows/consult/consult-slots.ts';
import type pg from 'pg';
import { eventAnswers, newParticipant, REGISTRATION_OPEN } from './event-fixtures.ts';
import { program } from './flow-harness.ts';
import type { PrismaClient } from '../../core/db/types.ts';

export const booths = program.booths!;
export const event = program.event!;
export const rules = rulesOf(booths);
/** A week before the event: every slot is bookable. */
export const BOOKING_TIME = new Date('2027-01-16T10:00:00+09:00');

export const boothById = (id: string) => booths.booths.find((b) => b.id === id)!;
export const slotsOf = (boothId: string) => boothSlots(boothById(boothId));

/** The event (room for everyone) and the booths' slots in the store. */
export async function syncAll(pool: pg.Pool, sealer: Sealer): Promise<void> {
  await syncEvent(transactOn(pool), sealer, { ...event, registration: { ...event.registration, capacity: 10_000 } }, REGISTRATION_OPEN);
  await syncBoothSlots(transactOn(pool), booths, event.id, REGISTRATION_OPEN);
}

/** A new participant registered for the event. */
export async function registeredPerson(prisma: PrismaClient, transact: Transact, sealer: Sealer): Promise<string> {
  const participantId = await newParticipant(prisma);
  await transact((tx) => registerForEvent(tx, sealer, {
    eventId: event.id, participantId, attendeeType: 'founder', answers: eventAnswers('相談 希望'), now: REGISTRATION_OPEN, actor: 'test',
  }));
  return participantId;
}
