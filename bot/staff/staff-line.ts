/**
 * Staff commands typed as a line, the way they are written in Discord
 * (`/decide BC2026-0001 pass`): the console's staff panel takes them, so everything
 * staff do in Discord can be done with `npm start` and no credentials.
 */
import { z } from 'zod';
import type { RoundId } from '../../core/judging/judging-config.ts';
import { seminarIdSchema, segmentParams, waitingReference } from './staff-components.ts';
import type { StaffCommand } from './staff-types.ts';

const ROUNDS = new Set(['document', 'presentation', 'final']);
const STATUSES = new Set(['draft', 'submitted', 'withdrawn']);

/** The command a typed line means; null when it is not one (the panel then shows how to write them: command-guide.ts). */
export function parseStaffLine(line: string): StaffCommand | null {
  const [rawName, ...args] = line.normalize('NFKC').trim().replace(/^\//, '').split(/\s+/);
  const name = rawName?.toLowerCase() ?? '';
  const round = (value: string | undefined): { round?: RoundId } | null =>
    value === undefined ? {} : ROUNDS.has(value) ? { round: value as RoundId } : null;
  const receipt = args[0]?.toUpperCase();
  const withRound = (index: number, build: (r: { round?: RoundId }) => StaffCommand): StaffCommand | null => {
    const r = round(args[index]);
    return r && args.length <= index + 1 ? build(r) : null;
  };
  switch (name) {
    case 'stats': return args.length === 0 ? { name: 'stats' } : null;
    case 'applications': {
      // Any order: a status, a round, or both.
      const filter: Extract<StaffCommand, { name: 'applications' }>['filter'] = {};
      for (const arg of args) {
        if (STATUSES.has(arg)) filter.status = arg as 'draft' | 'submitted' | 'withdrawn';
        else if (ROUNDS.has(arg)) filter.round = arg as RoundId;
        else return null;
      }
      return { name: 'applications', filter };
    }
    case 'application':
    case 'document':
    case 'score':
      return receipt && args.length === 1 ? { name, receipt } : null;
    case 'recuse':
      return receipt && (args.length === 1 || (args.length === 2 && args[1] === 'undo')) ? { name: 'recuse', receipt, undo: args[1] === 'undo' } : null;
    case 'round': {
      const action = args[0];
      if (action !== 'open' && action !== 'close' && action !== 'status') return null;
      const r = round(args[1]);
      // Opening names its round, as in Discord: never "whichever was last".
      if (action === 'open' && !r?.round) return null;
      return r && args.length <= 2 ? { name: 'round', action, ...r } : null;
    }
    case 'progress':
    case 'ranking':
    case 'scores':
    case 'publish':
      return withRound(0, (r) => ({ name, ...r }));
    case 'decide-all':
      return withRound(0, (r) => ({ name: 'decideByRanking', ...r }));
    case 'decide':
      return receipt && args[1] ? withRound(2, (r) => ({ name: 'decide', receipt, outcome: args[1]!, ...r })) : null;
    case 'approvals': return args.length === 0 ? { name: 'approvals' } : null;
    case 'inbox': return args.length === 0 ? { name: 'inbox' } : null;
    case 'deliveries': return args.length === 0 ? { name: 'deliveries' } : null;
    case 'booth':
      if (args.length === 0) return { name: 'booth' };
      if (args.length === 2 && args[0] === 'roster' && /^[a-z0-9-]{2,30}$/.test(args[1]!)) return { name: 'boothRoster', boothId: args[1]! };
      return args.length === 1 && /^[a-z0-9-]{2,30}$/.test(args[0]!) ? { name: 'booth', boothId: args[0]! } : null;
    case 'seminars':
    case 'seminar':
      return seminarLine(args);
    case 'event':
      if (args.length === 0) return { name: 'event' };
      return args.length === 1 && args[0] === 'roster' ? { name: 'eventRoster' } : null;
    case 'broadcast': return broadcastLine(args);
    case 'help':
    case 'ヘルプ':
    case '?':
      return { name: 'help' };
    case 'votes': {
      const votes = z.coerce.number().int().min(0).safeParse(args[1]);
      return receipt && votes.success && args.length === 2 ? { name: 'votes', receipt, votes: votes.data } : null;
    }
    default: return null;
  }
}

/**
 * `/seminars`, `/seminars <id>`, `/seminars roster <id>`, `/seminars move <id> <reference>
 * <position>`, `/seminars capacity <id> <seats>`, `/seminars time <id> <start> [end]`
 * (each `HH:mm` or `YYYY-MM-DD HH:mm`), `/seminars room <id> <room…>` (the rest of the line).
 * Values are checked where they are used (seminar-commands.ts), so a bad one gets its own answer.
 */
function seminarLine(args: string[]): StaffCommand | null {
  const [action, id, ...rest] = args;
  if (action === undefined) return { name: 'seminars' };
  if (id === undefined) return seminarIdSchema.safeParse(action).success ? { name: 'seminar', seminarId: action } : null;
  if (!seminarIdSchema.safeParse(id).success) return null;
  switch (action) {
    case 'roster': return rest.length === 0 ? { name: 'seminarRoster', seminarId: id } : null;
    case 'move': {
      const booking = waitingReference.safeParse(rest[0]);
      const position = z.coerce.number().int().min(1).max(10_000).safeParse(rest[1]);
      return booking.success && position.success && rest.length === 2 ? { name: 'seminarMove', seminarId: id, booking: booking.data, position: position.data } : null;
    }
    case 'capacity': return rest.length === 1 ? { name: 'changeSeminar', seminarId: id, capacity: rest[0]! } : null;
    case 'time': {
      // A date and a time are two words: join each date with the time after it.
      const times = rest.reduce<string[]>((all, word) => (/^\d{1,2}:\d{2}$/.test(word) && /^\d{4}-\d{2}-\d{2}$/.test(all.at(-1) ?? '') ? [...all.slice(0, -1), `${all.at(-1)} ${word}`] : [...all, word]), []);
      if (times.length < 1 || times.length > 2) return null;
      return { name: 'changeSeminar', seminarId: id, start: times[0]!, ...(times[1] ? { end: times[1] } : {}) };
    }
    case 'room': return rest.length > 0 ? { name: 'changeSeminar', seminarId: id, roomJa: rest.join(' ') } : null;
    default: return null;
  }
}

/**
 * `/broadcast draft <segment> [parameter] [YYYY-MM-DD HH:mm]`, `/broadcast list`,
 * `/broadcast reports`: the segment's one parameter is applicants' status or the round.
 */
function broadcastLine(args: string[]): StaffCommand | null {
  const [action, segment, ...rest] = args;
  if (action === 'list') return args.length === 1 ? { name: 'broadcasts' } : null;
  if (action === 'reports') return args.length === 1 ? { name: 'sendReports' } : null;
  if (action !== 'draft' || !segment) return null;
  const time = rest.length >= 2 && /^\d{4}-\d{2}-\d{2}$/.test(rest.at(-2)!) ? `${rest.at(-2)} ${rest.at(-1)}` : undefined;
  const params = time ? rest.slice(0, -2) : rest;
  if (params.length > 1) return null;
  return { name: 'broadcastForm', segment: { id: segment, params: segmentParams(segment, params[0]) }, ...(time ? { sendAt: time } : {}) };
}
