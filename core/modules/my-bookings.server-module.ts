/**
 * The "my bookings" module's server side: its facts only — the person's registration,
 * seminar bookings and consultations, read in one statement per batch. It has no effects:
 * the buttons it shows are carried out by the event, seminar and booth modules.
 */
import type { MyBookingsTypes } from '../../flows/my-bookings/my-bookings-types.ts';
import { loadMyBookings } from '../bookings/my-bookings-facts.ts';
import type { ServerModule } from './server-module.ts';

export const myBookingsServerModule: ServerModule<'my-bookings', MyBookingsTypes> = {
  id: 'my-bookings',

  async loadFacts(db, scope, participantIds) {
    const { event, seminars, booths } = scope.program;
    if (!event && !seminars && !booths) return () => null;
    const eventId = event?.id;
    return loadMyBookings(db, { sealer: scope.sealer, publicUrl: scope.publicUrl, ...(eventId ? { eventId } : {}) }, participantIds);
  },

  handlers: {},
};
