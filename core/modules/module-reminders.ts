/** Every reminder the program's server modules declare (core/schedules/reminder-registry.ts). */
import { reminderRegistry } from '../schedules/reminder-registry.ts';
import { serverModules } from './server-modules.ts';

export const moduleReminders = reminderRegistry(serverModules.modules);
