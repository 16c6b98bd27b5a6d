/**
 * Consultation reminders (program file `booths.settings.reminders`): the day before the
 * consultation at a set hour, and a set time before it starts. One schedule per slot, so
 * the text names the booth and the time; its audience is whoever holds a booking in that
 * slot when it fires — a booking cancelled or moved away before then gets nothing, and
 * the slot it moved to has its own reminders.
 */
import { commandValue } from '../../flows/engine/commands.ts';
import { addDays, calendarDate, timeRangeText } from '../../flows/engine/dates.ts';
import { zonedInstant } from '../../flows/engine/quiet-hours.ts';
import { t } from '../../flows/engine/text.ts';
import { boothPlace, organisation } from '../../flows/consult/consult-messages.ts';
import { allSlots, findSlot } from '../../flows/consult/consult-slots.ts';
import type * as tables from '../db/tables.ts';
import { flowContent } from '../outbox/outbox-content.ts';
import type { Firing, ModuleReminders, PlannedSchedule, Reminder } from '../schedules/reminder.ts';

export const BOOTHS_DAY_BEFORE = 'booths.day-before';
export const BOOTHS_BEFORE_START = 'booths.before-start';

async function bookedInSlot(db: Parameters<Reminder['audience']>[0], firing: Firing): Promise<string[]> {
  const event = firing.program.event;
  const found = firing.program.booths && findSlot(firing.program.booths, firing.schedule.entityId);
  if (!event || !found || Date.parse(found.slot.startsAt) <= firing.now.getTime()) return [];
  const rows = await db.rows<Pick<tables.Consultation, 'participantId'>>`
    SELECT "participantId"::text AS "participantId" FROM "Consultation"
    WHERE "slotId" = ${found.slot.id} AND "eventId" = ${event.id} AND "status" = 'booked'`;
  return rows.map((r) => r.participantId);
}

function content(firing: Firing, key: 'booths.reminder.dayBefore' | 'booths.reminder.soon') {
  const { program } = firing;
  const { slot, booth } = findSlot(program.booths!, firing.schedule.entityId)!;
  const text = t(key, { organisation: organisation(booth), when: timeRangeText(slot, program.timeZone), place: boothPlace(booth) });
  return flowContent([{ type: 'text', text, choices: [{ label: t('booths.menu.mine'), value: commandValue({ name: 'enter', entry: 'myConsultations' }) }] }]);
}

export const boothsReminders: ModuleReminders = {
  reminders: [
    { id: BOOTHS_DAY_BEFORE, audience: bookedInSlot, content: (firing) => content(firing, 'booths.reminder.dayBefore') },
    { id: BOOTHS_BEFORE_START, audience: bookedInSlot, content: (firing) => content(firing, 'booths.reminder.soon') },
  ],
  planned(program) {
    const config = program.booths;
    if (!config || !program.event) return [];
    const { dayBefore, beforeStart } = config.settings.reminders;
    const planned: PlannedSchedule[] = [];
    for (const slot of allSlots(config)) {
      if (dayBefore) {
        const day = addDays(calendarDate(new Date(slot.startsAt), program.timeZone), -1);
        planned.push({ reminder: BOOTHS_DAY_BEFORE, entity: 'booth-slot', entityId: slot.id, slot: 'day-before', runAt: zonedInstant(day, dayBefore.at, program.timeZone) });
      }
      if (beforeStart) {
        planned.push({
          reminder: BOOTHS_BEFORE_START, entity: 'booth-slot', entityId: slot.id, slot: `${beforeStart.minutes}m`,
          runAt: new Date(Date.parse(slot.startsAt) - beforeStart.minutes * 60_000), urgent: beforeStart.urgent,
        });
      }
    }
    return planned;
  },
};
