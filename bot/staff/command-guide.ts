/**
 * The staff commands as people type them (the console's command box, Discord's slash
 * commands in the same order of options), with what each needs: `/help` lists those the
 * asker's roles may use, and the console suggests them as one types.
 */
import { authorize, type Role } from '../../core/staff/permissions.ts';
import { permissionFor } from './command-permissions.ts';
import { staffText, type StaffLanguage, type StaffMessageKey } from './staff-messages.ts';
import type { StaffCommand } from './staff-types.ts';

interface GuideEntry {
  /** The word typed after the slash. */
  name: string;
  /** How it is written, arguments in angle brackets, optional ones in square brackets. */
  usage: string;
  /** A command of this kind, for its permission. */
  sample: StaffCommand;
  description: StaffMessageKey;
}

const R = 'BC2026-0001';

const GUIDE: GuideEntry[] = [
  { name: 'help', usage: '/help', sample: { name: 'help' }, description: 'guide.help' },
  { name: 'stats', usage: '/stats', sample: { name: 'stats' }, description: 'guide.stats' },
  { name: 'applications', usage: '/applications [submitted|draft|withdrawn] [document|presentation|final]', sample: { name: 'applications', filter: {} }, description: 'guide.applications' },
  { name: 'application', usage: '/application <受付番号>', sample: { name: 'application', receipt: R }, description: 'guide.application' },
  { name: 'document', usage: '/document <受付番号>', sample: { name: 'document', receipt: R }, description: 'guide.document' },
  { name: 'score', usage: '/score <受付番号>', sample: { name: 'score', receipt: R }, description: 'guide.score' },
  { name: 'recuse', usage: '/recuse <受付番号> [undo]', sample: { name: 'recuse', receipt: R }, description: 'guide.recuse' },
  { name: 'progress', usage: '/progress [document|presentation|final]', sample: { name: 'progress' }, description: 'guide.progress' },
  { name: 'round', usage: '/round status [document|presentation|final]', sample: { name: 'round', action: 'status' }, description: 'guide.round.status' },
  { name: 'round', usage: '/round open|close <document|presentation|final>', sample: { name: 'round', action: 'open' }, description: 'guide.round' },
  { name: 'ranking', usage: '/ranking [document|presentation|final]', sample: { name: 'ranking' }, description: 'guide.ranking' },
  { name: 'scores', usage: '/scores [document|presentation|final]', sample: { name: 'scores' }, description: 'guide.scores' },
  { name: 'decide', usage: '/decide <受付番号> <pass|fail|grand|excellence|none> [round]', sample: { name: 'decide', receipt: R, outcome: 'pass' }, description: 'guide.decide' },
  { name: 'decide-all', usage: '/decide-all [document|presentation|final]', sample: { name: 'decideByRanking' }, description: 'guide.decide-all' },
  { name: 'publish', usage: '/publish [document|presentation|final]', sample: { name: 'publish' }, description: 'guide.publish' },
  { name: 'approvals', usage: '/approvals', sample: { name: 'approvals' }, description: 'guide.approvals' },
  { name: 'votes', usage: '/votes <受付番号> <票数>', sample: { name: 'votes', receipt: R, votes: 0 }, description: 'guide.votes' },
  { name: 'inbox', usage: '/inbox', sample: { name: 'inbox' }, description: 'guide.inbox' },
  { name: 'deliveries', usage: '/deliveries', sample: { name: 'deliveries' }, description: 'guide.deliveries' },
  { name: 'event', usage: '/event', sample: { name: 'event' }, description: 'guide.event' },
  { name: 'event', usage: '/event roster', sample: { name: 'eventRoster' }, description: 'guide.event-roster' },
  { name: 'booth', usage: '/booth [booth id]', sample: { name: 'booth' }, description: 'guide.booth' },
  { name: 'booth', usage: '/booth roster <booth id>', sample: { name: 'boothRoster', boothId: 'funding' }, description: 'guide.booth-roster' },
  { name: 'seminars', usage: '/seminars [seminar id]', sample: { name: 'seminars' }, description: 'guide.seminars' },
  { name: 'seminars', usage: '/seminars roster <seminar id>', sample: { name: 'seminarRoster', seminarId: 'funding' }, description: 'guide.seminars-roster' },
  { name: 'seminars', usage: '/seminars move <seminar id> <reference> <position>', sample: { name: 'seminarMove', seminarId: 'funding', booking: '00000000', position: 1 }, description: 'guide.seminars-move' },
  { name: 'seminars', usage: '/seminars capacity <seminar id> <seats>', sample: { name: 'changeSeminar', seminarId: 'funding' }, description: 'guide.seminars-capacity' },
  { name: 'seminars', usage: '/seminars time <seminar id> <HH:mm | YYYY-MM-DD HH:mm> [end]', sample: { name: 'changeSeminar', seminarId: 'funding' }, description: 'guide.seminars-time' },
  { name: 'seminars', usage: '/seminars room <seminar id> <room>', sample: { name: 'changeSeminar', seminarId: 'funding' }, description: 'guide.seminars-room' },
  { name: 'broadcast', usage: '/broadcast draft <segment> [parameter] [YYYY-MM-DD HH:mm]', sample: { name: 'broadcastForm', segment: { id: 'followers', params: {} } }, description: 'guide.broadcast' },
  { name: 'broadcast', usage: '/broadcast list', sample: { name: 'broadcasts' }, description: 'guide.broadcasts' },
  { name: 'broadcast', usage: '/broadcast reports', sample: { name: 'sendReports' }, description: 'guide.reports' },
];

export interface GuideLine {
  name: string;
  usage: string;
  description: string;
}

/** The commands these roles may use, in the guide's order; none without a staff role. */
export function commandGuide(roles: readonly Role[], language: StaffLanguage): GuideLine[] {
  if (roles.length === 0) return [];
  return GUIDE.filter((entry) => {
    const action = permissionFor(entry.sample);
    return action === null || authorize(roles, action).allowed;
  }).map((entry) => ({ name: entry.name, usage: entry.usage, description: staffText(language, entry.description) }));
}

/** The guide as text: each command as typed, its description on the next line. */
export function guideText(roles: readonly Role[], language: StaffLanguage): string {
  return commandGuide(roles, language).map((entry) => `${entry.usage}\n　${entry.description}`).join('\n');
}
