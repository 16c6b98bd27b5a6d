import { readFileSync } from 'node:fs';
import { DEFAULT_PROGRAM_FILE } from '../../core/program/load-program.ts';
import { addDays, calendarDate } from '../../flows/engine/dates.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long before the deadline the demo's applications are made: inside the call for applications. */
export const DEMO_APPLIED_BEFORE_DEADLINE_MS = 2 * DAY_MS;

/**
 * The built-in program moved in time so that a whole season can be tried today: the call
 * for applications ran for the last month and closed a minute before `now`, the three
 * judging rounds are planned over the coming weeks. Receipt numbers start with DEMO, and
 * the contest's name says it is a demo.
 */
export function demoProgram(now: Date): unknown {
  const program = JSON.parse(readFileSync(DEFAULT_PROGRAM_FILE, 'utf8')) as DefaultProgram;
  const deadline = new Date(now.getTime() - 60_000);
  const { contest, judging } = program;
  /** The calendar date `days` after `now` where the program lives, as the program file writes dates. */
  const localDate = (days: number) => addDays(calendarDate(now, program.timeZone), days);
  return {
    ...program,
    contest: {
      ...contest,
      id: 'demo',
      name: { ja: `【デモ】${contest.name.ja}`, en: `[Demo] ${contest.name.en}` },
      receiptPrefix: 'DEMO',
      opensAt: new Date(deadline.getTime() - 30 * DAY_MS).toISOString(),
      deadline: deadline.toISOString(),
    },
    judging: {
      ...judging,
      rounds: judging.rounds.map((round, index) => ({
        ...round,
        ...(round.schedule ? { schedule: { opens: localDate(7 * index), closes: localDate(7 * index + (index === 0 ? 6 : 0)) } } : {}),
      })),
    },
  };
}

interface DefaultProgram {
  contest: { name: { ja: string; en: string } } & Record<string, unknown>;
  timeZone: string;
  judging: { rounds: Array<{ schedule?: unknown } & Record<string, unknown>> } & Record<string, unknown>;
}
