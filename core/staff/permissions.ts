/**
 * Who on the staff side may do what (issue 3, "Roles and permissions"). Roles come from
 * Discord role ids through configuration; every command, button and modal asks
 * `authorize` on the server, whatever the client showed, and a denial is answered and
 * audited by the caller. The matrix is data, and docs/PERMISSIONS.md is generated from
 * it (a test keeps the two equal).
 */
import { z } from 'zod';
import type { AuditEntry } from '../audit/audit-log.ts';

export const ROLES = ['admin', 'staff', 'judge', 'approver', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** What a staff member can ask for. */
export const ACTIONS = {
  'stats.view': 'See counts and the dashboard',
  'applications.list': 'List and filter applications (receipt number, status, municipality, category)',
  'applications.viewPlan': 'Read an application\'s plan answers and document',
  'applications.viewPersonal': 'See who applied: name, furigana, e-mail, phone, age band, occupation',
  'applications.export': 'Export applications as CSV',
  'judging.score': 'Score applications in a round the judge is assigned to, and recuse',
  'judging.progress': 'See who has scored what in a round',
  'judging.tally': 'See totals, rankings and the scores CSV',
  'judging.manageRounds': 'Open and close rounds, assign judges',
  'decisions.mark': 'Mark applications pass or fail (pending until published)',
  'decisions.publish': 'Turn pending decisions into messages that wait for approval',
  'decisions.approve': 'Approve or reject messages to applicants before they are sent',
  'inbox.reply': 'Answer participants from the human inbox, and close conversations',
  'flows.preview': 'Preview participant flows in Discord',
  'deliveries.list': 'List messages that could not be delivered, with the reason (receipt number or an anonymous reference, never personal data)',
  'deliveries.retry': 'Send an undelivered message again (audited; its LINE retry key keeps it from arriving twice, docs/ARCHITECTURE.md)',
  'event.view': 'See event registrations: places, waitlist, cancellations, by attendee type (totals are in the counts for everyone)',
  'event.roster': 'Export the event roster as CSV, with who registered (personal data; audited)',
  'booths.view': 'See a consultation booth\'s schedule: slots, places, bookings by anonymous reference',
  'booths.personal': 'See who booked a consultation and what they want to talk about (personal data; every view audited)',
  'booths.noShow': 'Mark a booked consultation as a no-show (audited)',
  'booths.roster': 'Export a booth\'s schedule as CSV, with who booked and what about (personal data; audited)',
  'seminars.view': 'See the seminars: capacity, booked, offered, waitlisted; a seminar\'s bookings and waitlist by anonymous reference',
  'seminars.personal': 'See who booked or waits for a seminar, by name (personal data; every view audited)',
  'seminars.manage': 'Reorder a seminar\'s waitlist, change its capacity, time or room (audited; a time change drafts a notice to the people concerned, held until approved)',
  'seminars.roster': 'Export a seminar\'s roster as CSV: booked and waitlist with positions (personal data; audited)',
  'seminars.approveNotice': 'Approve or reject the notice of a seminar\'s time change before it is sent (never your own draft)',
  'broadcasts.draft': 'Draft a broadcast to a segment (held until approved) and see its preview: recipients, billed messages, the month\'s quota',
  'broadcasts.testSend': 'Send a drafted broadcast to yourself first (your own Discord DM or LINE)',
  'broadcasts.approve': 'Approve or reject a broadcast before it is sent (never your own draft)',
  'broadcasts.reports': 'See the reports of sends: targeted, sent, skipped (blocked), failed, waiting',
} as const;
export type Action = keyof typeof ACTIONS;

/**
 * The matrix: which roles may take each action. Admin may do everything except score
 * (judges' work) and approve what goes out (the prefecture's sign-off, DOMAIN.md §5).
 */
export const PERMISSIONS: Record<Action, readonly Role[]> = {
  'stats.view': ['admin', 'staff', 'judge', 'approver', 'viewer'],
  'applications.list': ['admin', 'staff', 'judge', 'approver', 'viewer'],
  'applications.viewPlan': ['admin', 'staff', 'judge', 'approver'],
  'applications.viewPersonal': ['admin', 'staff', 'approver'],
  'applications.export': ['admin', 'staff'],
  'judging.score': ['judge'],
  'judging.progress': ['admin', 'staff', 'judge'],
  'judging.tally': ['admin', 'staff'],
  'judging.manageRounds': ['admin', 'staff'],
  'decisions.mark': ['admin', 'staff'],
  'decisions.publish': ['admin', 'staff'],
  'decisions.approve': ['approver'],
  'inbox.reply': ['admin', 'staff'],
  'flows.preview': ['admin', 'staff'],
  'deliveries.list': ['admin', 'staff', 'approver', 'viewer'],
  'deliveries.retry': ['admin', 'staff'],
  'event.view': ['admin', 'staff', 'approver'],
  'event.roster': ['admin', 'staff'],
  'booths.view': ['admin', 'staff', 'approver'],
  'booths.personal': ['admin', 'staff'],
  'booths.noShow': ['admin', 'staff'],
  'booths.roster': ['admin', 'staff'],
  'seminars.view': ['admin', 'staff', 'approver'],
  'seminars.personal': ['admin', 'staff'],
  'seminars.manage': ['admin', 'staff'],
  'seminars.roster': ['admin', 'staff'],
  'seminars.approveNotice': ['approver'],
  'broadcasts.draft': ['admin', 'staff'],
  'broadcasts.testSend': ['admin', 'staff'],
  'broadcasts.approve': ['approver'],
  'broadcasts.reports': ['admin', 'staff', 'approver', 'viewer'],
};

/** Configuration: which Discord role ids carry which ouen role (a member may hold several). */
export const roleMappingSchema = z.record(z.enum(ROLES), z.array(z.string().regex(/^\d{17,20}$/, 'a Discord role id (a snowflake)')).default([]));
export type RoleMapping = z.infer<typeof roleMappingSchema>;

/** The ouen roles a Discord member holds, from their role ids. */
export function rolesOf(memberRoleIds: readonly string[], mapping: RoleMapping): Role[] {
  return ROLES.filter((role) => (mapping[role] ?? []).some((id) => memberRoleIds.includes(id)));
}

export type Decision = { allowed: true } | { allowed: false; reason: 'no-role' | 'not-permitted' };

export function authorize(roles: readonly Role[], action: Action): Decision {
  if (roles.length === 0) return { allowed: false, reason: 'no-role' };
  return PERMISSIONS[action].some((role) => roles.includes(role)) ? { allowed: true } : { allowed: false, reason: 'not-permitted' };
}

/**
 * Whether an approver may approve a draft (results with `decisions.approve`, a broadcast
 * with `broadcasts.approve`). With `separateDuties` (the default for the prefecture's
 * sign-off), nobody approves what they drafted themselves.
 */
export function mayApprove(
  roles: readonly Role[], approverId: string, draftedBy: string, separateDuties: boolean, action: Action = 'decisions.approve',
): Decision {
  const decision = authorize(roles, action);
  if (!decision.allowed) return decision;
  return separateDuties && approverId === draftedBy ? { allowed: false, reason: 'not-permitted' } : { allowed: true };
}

/** The audit row for a refusal: who asked for what, never what they would have seen. */
export function denialAudit(actor: string, action: Action, reason: 'no-role' | 'not-permitted', target?: { entity: string; entityId: string }): AuditEntry {
  return {
    actor, action: 'staff.denied', entity: target?.entity ?? 'staff-action', entityId: target?.entityId ?? action,
    detail: { requested: action, reason },
  };
}

/** The matrix as a Markdown table (docs/PERMISSIONS.md). */
export function permissionMatrixMarkdown(): string {
  const header = `| action | ${ROLES.join(' | ')} |\n| --- | ${ROLES.map(() => ':-:').join(' | ')} |`;
  const rows = (Object.keys(ACTIONS) as Action[]).map((action) =>
    `| \`${action}\` — ${ACTIONS[action]} | ${ROLES.map((role) => (PERMISSIONS[action].includes(role) ? '✓' : '')).join(' | ')} |`);
  return [header, ...rows].join('\n');
}
