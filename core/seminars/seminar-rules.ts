import { DEFAULT_QUIET_HOURS, type QuietHours } from '../../flows/engine/quiet-hours.ts';
import type { ProgramConfig } from '../../flows/program.ts';
import type { SeminarRules } from './seminar-service-types.ts';

/**
 * The seminar rules a program sets; null when it has no seminars. Turns see the program
 * as flows do (without the staff side's sections): a loaded program carries its quiet
 * hours, and the default stands in where a caller built the configuration without them.
 */
export function seminarRules(program: Pick<ProgramConfig, 'seminars' | 'event' | 'timeZone'> & { quietHours?: QuietHours }): SeminarRules | null {
  if (!program.seminars) return null;
  return {
    settings: program.seminars.settings,
    timing: { quietHours: program.quietHours ?? DEFAULT_QUIET_HOURS, timeZone: program.timeZone },
    ...(program.event ? { eventId: program.event.id } : {}),
  };
}
