/**
 * Shapes the consultation services share: the booking rules from the program file, the
 * intake's sealing context and its validation at the services' door.
 */
import { z } from 'zod';
import type { BoothSettings } from '../../flows/consult/consult-config.ts';
import { SLOT_ID } from '../../flows/consult/consult-slots.ts';

export type ConsultationStatus = 'booked' | 'cancelled' | 'moved' | 'noShow';

/** The settings the services enforce (program file `booths.settings`). */
export type BookingRules = Pick<BoothSettings, 'who' | 'perPersonLimit' | 'minNoticeMinutes' | 'changeCutoffMinutes'>;

/** Where a consultation's intake is sealed: bound to its row, so a sealed value copied elsewhere fails to open. */
export const intakeContext = (consultationId: string) => `consultation:${consultationId}:intake`;

export const slotIdSchema = z.string().regex(SLOT_ID);
export const eventIdSchema = z.string().min(1).max(40);
export const actorSchema = z.string().min(1).max(200);
export const rulesSchema = z.object({
  who: z.enum(['registered', 'anyone']),
  perPersonLimit: z.number().int().min(1),
  minNoticeMinutes: z.number().int().min(0),
  changeCutoffMinutes: z.number().int().min(0),
});
