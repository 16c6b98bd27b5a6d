import { readFileSync } from 'node:fs';
import { DEFAULT_PROGRAM_FILE } from '../../core/program/load-program.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** When the demo's applications are made: inside the call for applications, before its deadline. */
export const DEMO_APPLIED_DAYS_BEFORE_DEADLINE = 2;

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
        ...(round.schedule ? { schedule: { opens: tokyoDate(now, 7 * index), closes: tokyoDate(now, 7 * index + (index === 0 ? 6 : 0)) } } : {}),
      })),
    },
  };
}

interface DefaultProgram {
  contest: { name: { ja: string; en: string } } & Record<string, unknown>;
  judging: { rounds: Array<{ schedule?: unknown } & Record<string, unknown>> } & Record<string, unknown>;
}

/** The calendar date in Japan `days` after `now`, as the program file writes dates. */
function tokyoDate(now: Date, days: number): string {
  return new Date(now.getTime() + days * DAY_MS + 9 * 60 * 60 * 1000).toISOString().slice(0, 10);
}
