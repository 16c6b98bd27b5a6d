/** The seminar module's reminder ids, stored on schedule rows (core/modules/seminar.reminders.ts declares them). */
export const SEMINAR_OFFER_EXPIRY = 'seminars.offer-expiry';
export const SEMINAR_DAY_BEFORE = 'seminars.day-before';
export const SEMINAR_BEFORE_START = 'seminars.before-start';

/** An offer's expiry schedule: one per booking (a booking is offered at most once). */
export const offerExpiryKey = (bookingId: string) => `seminar-offer:${bookingId}`;
