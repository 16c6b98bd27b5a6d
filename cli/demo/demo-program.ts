import { readFileSync } from 'node:fs';
import { DEFAULT_PROGRAM_FILE } from '../../core/program/load-program.ts';
import { addDays, calendarDate } from '../../flows/engine/dates.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long before the deadline the demo's applications are made: inside the call for applications. */
export const DEMO_APPLIED_BEFORE_DEADLINE_MS = 2 * DAY_MS;

/**
 * The built-in program moved in time so that a whole season can be tried today: the call
 * for applications ran for the last month and closed a minute before `now`, the three
 * judging rounds are planned over the coming weeks, and registration for the event is open
 * (it opened a week ago; the event is in five weeks). Receipt numbers start with DEMO, and
 * the contest's and the event's names say they are a demo.
 */
export function demoProgram(now: Date): unknown {
  const program = JSON.parse(readFileSync(DEFAULT_PROGRAM_FILE, 'utf8')) as DefaultProgram;
  const deadline = new Date(now.getTime() - 60_000);
  const { contest, judging, event } = program;
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
    ...(event ? { event: demoEvent(event, now) } : {}),
    judging: {
      ...judging,
      rounds: judging.rounds.map((round, index) => ({
        ...round,
        ...(round.schedule ? { schedule: { opens: localDate(7 * index), closes: localDate(7 * index + (index === 0 ? 6 : 0)) } } : {}),
      })),
    },
  };
}

/** The event with registration open now: opened a week ago, closes in four weeks, held a week later. */
function demoEvent(event: NonNullable<DefaultProgram['event']>, now: Date): unknown {
  const at = (days: number) => new Date(now.getTime() + days * DAY_MS).toISOString();
  return {
    ...event,
    id: 'demo-event',
    name: { ja: `【デモ】${event.name.ja}`, en: `[Demo] ${event.name.en}` },
    startsAt: at(35),
    endsAt: new Date(now.getTime() + 35 * DAY_MS + 5 * 60 * 60 * 1000).toISOString(),
    registration: { ...event.registration, opensAt: at(-7), closesAt: at(28) },
  };
}

interface DefaultProgram {
  contest: { name: { ja: string; en: string } } & Record<string, unknown>;
  event?: { name: { ja: string; en: string }; registration: Record<string, unknown> } & Record<string, unknown>;
  timeZone: string;
  judging: { rounds: Array<{ schedule?: unknown } & Record<string, unknown>> } & Record<string, unknown>;
}
