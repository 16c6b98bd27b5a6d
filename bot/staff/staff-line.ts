/**
 * Staff commands typed as a line, the way they are written in Discord
 * (`/decide BC2026-0001 pass`): the console's staff panel takes them, so everything
 * staff do in Discord can be done with `npm start` and no credentials.
 */
import { z } from 'zod';
import type { RoundId } from '../../core/judging/judging-config.ts';
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
    case 'event':
      if (args.length === 0) return { name: 'event' };
      return args.length === 1 && args[0] === 'roster' ? { name: 'eventRoster' } : null;
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
