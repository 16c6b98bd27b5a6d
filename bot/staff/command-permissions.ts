/**
 * Which permission (core/staff/permissions.ts) each staff command needs. The command
 * layer checks it before anything runs; the help and the console's suggestions use it to
 * offer a role only what it may do.
 */
import { PERMISSIONS, type Action, type Role } from '../../core/staff/permissions.ts';
import { staffText, type StaffLanguage, type StaffMessageKey } from './staff-messages.ts';
import type { StaffCommand } from './staff-types.ts';

const permissions: Record<Exclude<StaffCommand['name'], 'help'>, Action> = {
  stats: 'stats.view',
  applications: 'applications.list',
  application: 'applications.viewPlan',
  document: 'applications.viewPlan',
  round: 'judging.manageRounds',
  score: 'judging.score',
  saveScores: 'judging.score',
  recuse: 'judging.score',
  progress: 'judging.progress',
  ranking: 'judging.tally',
  scores: 'judging.tally',
  decide: 'decisions.mark',
  decideByRanking: 'decisions.mark',
  publish: 'decisions.publish',
  approvals: 'decisions.approve',
  answer: 'decisions.approve',
  votes: 'judging.manageRounds',
  inbox: 'inbox.reply',
  replyForm: 'inbox.reply',
  reply: 'inbox.reply',
  closeHandoff: 'inbox.reply',
  deliveries: 'deliveries.list',
  retryDelivery: 'deliveries.retry',
  event: 'event.view',
  eventRoster: 'event.roster',
  booth: 'booths.view',
  boothNoShow: 'booths.noShow',
  boothRoster: 'booths.roster',
  seminars: 'seminars.view',
  seminar: 'seminars.view',
  seminarRoster: 'seminars.roster',
  seminarMove: 'seminars.manage',
  seminarForm: 'seminars.manage',
  changeSeminar: 'seminars.manage',
  seminarNotices: 'seminars.approveNotice',
  answerSeminarNotice: 'seminars.approveNotice',
  broadcastForm: 'broadcasts.draft',
  draftBroadcast: 'broadcasts.draft',
  broadcasts: 'broadcasts.reports',
  testBroadcast: 'broadcasts.testSend',
  answerBroadcast: 'broadcasts.approve',
  sendReports: 'broadcasts.reports',
};

/**
 * The action a command needs; null for the help, which any staff role may read. A
 * round's status is progress, which judges may see too.
 */
export function permissionFor(command: StaffCommand): Action | null {
  if (command.name === 'help') return null;
  return command.name === 'round' && command.action === 'status' ? 'judging.progress' : permissions[command.name];
}

/** Why a member is refused: no staff role at all, or which roles the action needs and which they hold. */
export function refusalText(language: StaffLanguage, action: Action, reason: 'no-role' | 'not-permitted', roles: readonly Role[]): string {
  if (reason === 'no-role') return staffText(language, 'denied.no-role');
  return staffText(language, 'denied.not-permitted', {
    action: staffText(language, `action.${action}` as StaffMessageKey),
    roles: roleNames(language, PERMISSIONS[action]),
    yours: roleNames(language, roles),
  });
}

/** Role names as staff read them, joined. */
export function roleNames(language: StaffLanguage, roles: readonly Role[]): string {
  return roles.map((role) => staffText(language, `role.${role}`)).join(staffText(language, 'list.join'));
}
