/**
 * Every reminder the program's modules declare (`ServerModule.reminders`), by id, and the
 * schedules their configuration implies. The scheduler reads only this: a later module
 * (seminars, booths, surveys) adds reminders by declaring them on its server module.
 */
import type { Program } from '../program/load-program.ts';
import type { ModuleReminders, PlannedSchedule, Reminder } from './reminder.ts';

export interface ReminderRegistry {
  get(id: string): Reminder | undefined;
  /** The program-derived schedules of every module, for the start-up sync. */
  planned(program: Program): PlannedSchedule[];
}

export function reminderRegistry(modules: ReadonlyArray<{ id: string; reminders?: ModuleReminders }>): ReminderRegistry {
  const byId = new Map<string, Reminder>();
  for (const module of modules) {
    for (const reminder of module.reminders?.reminders ?? []) {
      if (byId.has(reminder.id)) throw new Error(`reminder ${reminder.id} is declared twice (${module.id})`);
      byId.set(reminder.id, reminder);
    }
  }
  return {
    get: (id) => byId.get(id),
    planned: (program) => modules.flatMap((m) => m.reminders?.planned?.(program) ?? []),
  };
}
