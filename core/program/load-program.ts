import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { programSchema, type ProgramConfig } from '../../flows/program.ts';
import { ConfigError } from '../config-error.ts';
import { inboxSchema, type InboxConfig } from '../handoff/handoff-config.ts';
import { judgingSchema, type JudgingConfig } from '../judging/judging-config.ts';
import { PROJECT_ROOT } from '../project-root.ts';
import { richMenuSchema, type RichMenuConfig } from '../rich-menu/rich-menu-config.ts';
import { DEFAULT_QUIET_HOURS, quietHoursSchema, type QuietHours } from '../../flows/engine/quiet-hours.ts';
import { DEFAULT_REMINDERS, remindersSchema, type RemindersConfig } from '../schedules/reminders-config.ts';

export const DEFAULT_PROGRAM_FILE = join(PROJECT_ROOT, 'core', 'program', 'default-program.json');

/**
 * The program file: what flows see (flows/program.ts) plus the staff side's sections
 * (judging, the human inbox, the rich menus), which flows never read.
 */
const programFileSchema = programSchema.extend({
  judging: judgingSchema,
  inbox: inboxSchema,
  richMenu: richMenuSchema.prefault({}),
  /** When nothing that can wait is sent (flows/engine/quiet-hours.ts). */
  quietHours: quietHoursSchema.default(DEFAULT_QUIET_HOURS),
  reminders: remindersSchema.default(DEFAULT_REMINDERS),
});
export type Program = ProgramConfig & { judging: JudgingConfig; inbox: InboxConfig; richMenu: RichMenuConfig; quietHours: QuietHours; reminders: RemindersConfig };

/** Reads and validates the program configuration; every problem is reported at once. */
export function loadProgram(file = DEFAULT_PROGRAM_FILE): Program {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`program file ${file}: ${(error as Error).message}`);
  }
  // A program file written before judging was configurable takes the built-in judging
  // section (placeholder judges), so an upgrade does not stop ouen; README says to set it.
  if (file !== DEFAULT_PROGRAM_FILE && raw !== null && typeof raw === 'object' && !('judging' in raw)) {
    raw = { ...raw, judging: (JSON.parse(readFileSync(DEFAULT_PROGRAM_FILE, 'utf8')) as { judging: unknown }).judging };
  }
  const parsed = programFileSchema.superRefine((program, ctx) => {
    // Consultations belong to the event: its day, its attendees, its per-person limit.
    if (program.booths && !program.event) ctx.addIssue({ code: 'custom', path: ['booths'], message: 'booths need the event section' });
  }).safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`program file ${file} is not valid:\n${problems.join('\n')}`);
  }
  return parsed.data;
}

/**
 * The default program's contact is a placeholder (README "The program file"): in
 * production, people would be told to call a number that reaches nobody. So is a contact
 * with no way to reach anyone.
 */
export function hasPlaceholderContact(program: ProgramConfig): boolean {
  const { phone, email, url } = program.contact;
  const placeholder = (JSON.parse(readFileSync(DEFAULT_PROGRAM_FILE, 'utf8')) as { contact: ProgramConfig['contact'] }).contact;
  return (phone !== undefined && phone === placeholder.phone) || (email !== undefined && email === placeholder.email) || (!phone && !email && !url);
}
