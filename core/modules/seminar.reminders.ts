/**
 * The seminar module's reminders. To people booked when it fires (a booking cancelled
 * before then gets nothing): the day before at a set hour and a set time before the start
 * (program file `seminars.settings.reminders`), with the seminar's time and room as they
 * stand then. And each offer's hold expiry: if the offer is still unanswered, it expires
 * and the seat is offered to the next person waiting, even if nobody writes.
 */
import { commandValue } from '../../flows/engine/commands.ts';
import { t } from '../../flows/engine/text.ts';
import { configOf, seminarParams } from '../../flows/seminar/seminar-messages.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import { flowContent } from '../outbox/outbox-content.ts';
import type { Firing, ModuleReminders, PersonalMessage } from '../schedules/reminder.ts';
import { expireSeminarOffer } from '../seminars/expire-offer.ts';
import { loadSeminarStates } from '../seminars/seminar-bookings.ts';
import { SEMINAR_BEFORE_START, SEMINAR_DAY_BEFORE, SEMINAR_OFFER_EXPIRY } from '../seminars/seminar-reminder-ids.ts';
import { seminarRules } from '../seminars/seminar-rules.ts';
import { offerExpiredNotification, offerNotifications } from './seminar-notices.ts';
import type { Notification } from './server-module.ts';

/** Booked people of a seminar still ahead, and still in the program file. */
async function booked(db: SqlClient, firing: Firing): Promise<string[]> {
  const seminarId = firing.schedule.entityId;
  if (!firing.program.seminars || !configOf(firing.program.seminars, seminarId)) return [];
  const rows = await db.rows<Pick<tables.SeminarBooking, 'participantId'>>`
    SELECT b."participantId"::text AS "participantId" FROM "SeminarBooking" b JOIN "Seminar" s ON s."id" = b."seminarId"
    WHERE b."seminarId" = ${seminarId} AND b."status" = 'booked' AND s."startsAt" > ${firing.now.toISOString()}::timestamptz AT TIME ZONE 'UTC'`;
  return rows.map((r) => r.participantId);
}

async function content(firing: Firing, db: SqlClient, key: 'seminars.reminder.dayBefore' | 'seminars.reminder.soon') {
  const config = firing.program.seminars!;
  const state = (await loadSeminarStates(db)).find((s) => s.id === firing.schedule.entityId)!;
  return flowContent([{
    type: 'text', text: t(key, seminarParams(config, state, firing.program.timeZone)),
    choices: [{ label: t('seminars.menu.mine'), value: commandValue({ name: 'enter', entry: 'mySeminars' }) }],
  }]);
}

async function expire(db: SqlClient, firing: Firing): Promise<PersonalMessage[]> {
  const rules = seminarRules(firing.program);
  if (!rules) return [];
  const bookingId = firing.schedule.entityId;
  const done = await expireSeminarOffer(db, rules, { bookingId, now: firing.now });
  if (!done.expired) return [];
  await appendAudit(db, done.audit, firing.now);
  const told: Notification[] = [
    offerExpiredNotification(firing.program.seminars!, done.expired, bookingId),
    ...await offerNotifications(db, firing.program.seminars!, firing.program.timeZone, done.offers),
  ];
  return told.map((n) => ({ participantId: n.participantId, content: flowContent(n.messages), kind: n.kind, ...(n.about ? { about: n.about } : {}) }));
}

export const seminarReminders: ModuleReminders = {
  reminders: [
    { id: SEMINAR_DAY_BEFORE, audience: booked, content: (firing, db) => content(firing, db, 'seminars.reminder.dayBefore') },
    { id: SEMINAR_BEFORE_START, audience: booked, content: (firing, db) => content(firing, db, 'seminars.reminder.soon') },
    { id: SEMINAR_OFFER_EXPIRY, act: expire, audience: async () => [], content: () => flowContent([]) },
  ],
};
