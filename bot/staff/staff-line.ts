/**
 * Staff commands typed as a line, the way they are written in Discord
 * (`/decide BC2026-0001 pass`): the console's staff panel takes them, so everything
 * staff do in Discord can be done with `npm start` and no credentials.
 */
import { z } from 'zod';
import type { RoundId } from '../../core/judging/judging-config.ts';
import { segmentParams } from './staff-components.ts';
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
      return args.length === 1 && /^[a-z0-9-]{2,30}$/.test(args[0]!) ? { name: 'booth', boothId: args[0]! } : null;
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
