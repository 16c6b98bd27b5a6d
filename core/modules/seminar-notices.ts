/**
 * Messages for people a seminar change concerns who did not write: the person a freed
 * seat is now offered to (with accept and decline buttons), the person whose offer ran
 * out. Built from the seminar as it stands (time and room staff may have changed).
 */
import { offerExpiredMessages, offerMessages } from '../../flows/seminar/seminar-messages.ts';
import type { SeminarsConfig } from '../../flows/seminar/seminar-config.ts';
import type { SqlClient } from '../db/types.ts';
import { loadSeminarStates } from '../seminars/seminar-bookings.ts';
import type { Offer } from '../seminars/seminar-service-types.ts';
import type { Notification } from './server-module.ts';

export async function offerNotifications(db: SqlClient, config: SeminarsConfig, timeZone: string, offers: readonly Offer[]): Promise<Notification[]> {
  if (offers.length === 0) return [];
  const states = await loadSeminarStates(db);
  return offers.flatMap((offer) => {
    const state = states.find((s) => s.id === offer.seminarId);
    if (!state) return [];
    return [{
      participantId: offer.participantId, kind: 'seminar-offered', about: { entity: 'seminar-booking', id: offer.bookingId },
      messages: offerMessages(config, state, offer.bookingId, offer.expiresAt.toISOString(), timeZone),
    }];
  });
}

export function offerExpiredNotification(config: SeminarsConfig, expired: { participantId: string; seminarId: string }, bookingId: string): Notification {
  return {
    participantId: expired.participantId, kind: 'seminar-offer-expired', about: { entity: 'seminar-booking', id: bookingId },
    messages: offerExpiredMessages(config, expired.seminarId),
  };
}
