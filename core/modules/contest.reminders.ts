/**
 * The contest's reminders: a nudge to people whose application is still a draft, and a
 * reminder to people who applied without the plan document (only when the contest asks
 * for one), each `daysBefore` the deadline at the configured hour (program file
 * `reminders`). Their audience is read when they fire, so someone who submitted in the
 * meantime is not nudged, and nobody is reminded after the deadline.
 */
import { commandValue } from '../../flows/engine/commands.ts';
import { addDays, calendarDate, formatInstant } from '../../flows/engine/dates.ts';
import { zonedInstant } from '../../flows/engine/quiet-hours.ts';
import { t } from '../../flows/engine/text.ts';
import type { FlowMessage, Text } from '../../flows/index.ts';
import { flowContent } from '../outbox/outbox-content.ts';
import type { Program } from '../program/load-program.ts';
import type { DaysBefore } from '../schedules/reminders-config.ts';
import type { Firing, ModuleReminders, PlannedSchedule } from '../schedules/reminder.ts';

export const DRAFT_NUDGE = 'contest.draft-nudge';
export const MISSING_DOCUMENT = 'contest.missing-document';

const slotOf = (d: DaysBefore) => `${d.daysBefore}d`;
const asksForDocument = (program: Program) => program.contest.questions.some((q) => q.kind === 'file');
const open = (firing: Firing) => firing.program.contest.id === firing.schedule.entityId && Date.parse(firing.program.contest.deadline) > firing.now.getTime();

function deadlineText(program: Program): Text {
  const at = (language: 'ja' | 'en') => formatInstant(program.contest.deadline, language, program.timeZone);
  return { literal: { ja: at('ja'), en: at('en') } };
}

/** The configured text for this slot, or the catalog's. */
function reminderText(firing: Firing, key: 'contest.reminder.draft' | 'contest.reminder.document', configured: DaysBefore[]): Text {
  const custom = configured.find((d) => slotOf(d) === firing.schedule.slot)?.message;
  if (custom) return { literal: custom };
  return t(key, { name: { literal: firing.program.contest.name }, deadline: deadlineText(firing.program) });
}

function plannedBefore(program: Program, reminder: string, list: DaysBefore[]): PlannedSchedule[] {
  const deadlineDay = calendarDate(new Date(program.contest.deadline), program.timeZone);
  return list.map((d) => ({
    reminder, entity: 'contest', entityId: program.contest.id, slot: slotOf(d),
    runAt: zonedInstant(addDays(deadlineDay, -d.daysBefore), d.at, program.timeZone),
  }));
}

export const contestReminders: ModuleReminders = {
  reminders: [
    {
      id: DRAFT_NUDGE,
      async audience(db, firing) {
        if (!open(firing)) return [];
        const rows = await db.rows<{ participantId: string }>`
          SELECT "participantId"::text AS "participantId" FROM "Application"
          WHERE "contestId" = ${firing.schedule.entityId} AND "status" = 'draft'`;
        return rows.map((r) => r.participantId);
      },
      content(firing) {
        const message: FlowMessage = {
          type: 'text', text: reminderText(firing, 'contest.reminder.draft', firing.program.reminders.applicationNudges),
          choices: [{ label: t('menu.continue'), value: commandValue({ name: 'enter', entry: 'apply' }) }],
        };
        return flowContent([message]);
      },
    },
    {
      id: MISSING_DOCUMENT,
      async audience(db, firing) {
        if (!open(firing) || !asksForDocument(firing.program)) return [];
        const rows = await db.rows<{ participantId: string }>`
          SELECT a."participantId"::text AS "participantId" FROM "Application" a
          WHERE a."contestId" = ${firing.schedule.entityId} AND a."status" = 'submitted'
            AND NOT EXISTS (SELECT 1 FROM "ApplicationDocument" d WHERE d."applicationId" = a."id")`;
        return rows.map((r) => r.participantId);
      },
      content(firing) {
        return flowContent([{ type: 'text', text: reminderText(firing, 'contest.reminder.document', firing.program.reminders.missingDocument) }]);
      },
    },
  ],
  planned: (program) => [
    ...plannedBefore(program, DRAFT_NUDGE, program.reminders.applicationNudges),
    ...(asksForDocument(program) ? plannedBefore(program, MISSING_DOCUMENT, program.reminders.missingDocument) : []),
  ],
};
