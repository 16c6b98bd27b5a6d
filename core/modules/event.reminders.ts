/**
 * The event's reminders to registered attendees: the day before at a set hour, and a set
 * time before the start (program file `reminders.event`). The audience is whoever holds a
 * place when the reminder fires: a registration cancelled before then gets nothing, and
 * someone promoted from the waitlist in time gets it.
 */
import { commandValue } from '../../flows/engine/commands.ts';
import { addDays, calendarDate } from '../../flows/engine/dates.ts';
import { zonedInstant } from '../../flows/engine/quiet-hours.ts';
import { t } from '../../flows/engine/text.ts';
import { eventWhen } from '../../flows/event/event-messages.ts';
import type { Text } from '../../flows/index.ts';
import { flowContent } from '../outbox/outbox-content.ts';
import type { Firing, ModuleReminders, PlannedSchedule, Reminder } from '../schedules/reminder.ts';

export const EVENT_DAY_BEFORE = 'event.day-before';
export const EVENT_BEFORE_START = 'event.before-start';

async function registered(db: Parameters<Reminder['audience']>[0], firing: Firing): Promise<string[]> {
  const event = firing.program.event;
  if (!event || event.id !== firing.schedule.entityId || Date.parse(event.startsAt) <= firing.now.getTime()) return [];
  const rows = await db.rows<{ participantId: string }>`
    SELECT "participantId"::text AS "participantId" FROM "EventRegistration"
    WHERE "eventId" = ${event.id} AND "status" = 'registered'`;
  return rows.map((r) => r.participantId);
}

function content(firing: Firing, key: 'event.reminder.dayBefore' | 'event.reminder.soon', custom: { ja: string; en: string } | undefined) {
  const { program } = firing;
  const event = program.event!;
  const text: Text = custom ? { literal: custom } : t(key, { name: { literal: event.name }, when: eventWhen(event, program.timeZone), venue: { literal: event.venue } });
  return flowContent([{ type: 'text', text, choices: [{ label: t('event.menu.mine'), value: commandValue({ name: 'enter', entry: 'myRegistration' }) }] }]);
}

export const eventReminders: ModuleReminders = {
  reminders: [
    {
      id: EVENT_DAY_BEFORE,
      audience: registered,
      content: (firing) => content(firing, 'event.reminder.dayBefore', firing.program.reminders.event.dayBefore?.message),
    },
    {
      id: EVENT_BEFORE_START,
      audience: registered,
      content: (firing) => content(firing, 'event.reminder.soon', firing.program.reminders.event.beforeStart?.message),
    },
  ],
  planned(program) {
    const event = program.event;
    if (!event) return [];
    const { dayBefore, beforeStart } = program.reminders.event;
    const planned: PlannedSchedule[] = [];
    if (dayBefore) {
      const day = addDays(calendarDate(new Date(event.startsAt), program.timeZone), -1);
      planned.push({ reminder: EVENT_DAY_BEFORE, entity: 'event', entityId: event.id, slot: 'day-before', runAt: zonedInstant(day, dayBefore.at, program.timeZone) });
    }
    if (beforeStart) {
      planned.push({
        reminder: EVENT_BEFORE_START, entity: 'event', entityId: event.id, slot: `${beforeStart.minutes}m`,
        runAt: new Date(Date.parse(event.startsAt) - beforeStart.minutes * 60_000), urgent: beforeStart.urgent,
      });
    }
    return planned;
  },
};
