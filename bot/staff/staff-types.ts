/**
 * The shapes of the staff command layer: what a channel asks (StaffRequest) and what it
 * renders (StaffReply). Channel-neutral: Discord turns a reply into an embed, buttons and
 * a modal; the console's staff panel into HTML.
 */
import type { ApplicationFilter } from '../../core/applications/staff-queries.ts';
import type { Sealer } from '../../core/crypto/sealer.ts';
import type { SqlClient, Transact } from '../../core/db/types.ts';
import type { QuotaSource } from '../../core/approvals/message-quota.ts';
import type { RoundId } from '../../core/judging/judging-config.ts';
import type { SegmentChoice } from '../../core/segments/segment-registry.ts';
import type { Program } from '../../core/program/load-program.ts';
import type { Role } from '../../core/staff/permissions.ts';
import type { StaffLanguage } from './staff-messages.ts';

export type { StaffButton, StaffCard, StaffModal, StaffPick, StaffReply } from '../../channels/discord/staff/staff-view.ts';

export type StaffCommand =
  | { name: 'stats' }
  | { name: 'applications'; filter: ApplicationFilter }
  | { name: 'application'; receipt: string }
  /** The plan document itself, as a file. */
  | { name: 'document'; receipt: string }
  | { name: 'round'; action: 'open' | 'close' | 'status'; round?: RoundId }
  /**
   * Scoring one application: without a page, the criteria with their weights and scales
   * and the ways to the plan; with a page, the form (a modal) for that page of criteria.
   */
  | { name: 'score'; receipt: string; page?: number }
  /** The scoring form submitted: values as typed, validated here. */
  | { name: 'saveScores'; receipt: string; page: number; values: Record<string, string> }
  | { name: 'recuse'; receipt: string; undo?: boolean }
  | { name: 'progress'; round?: RoundId }
  | { name: 'ranking'; round?: RoundId }
  | { name: 'scores'; round?: RoundId }
  | { name: 'decide'; receipt: string; outcome: string; round?: RoundId }
  | { name: 'decideByRanking'; round?: RoundId }
  | { name: 'publish'; round?: RoundId }
  /** Publications awaiting approval, each with its applications and outcomes a page at a time. */
  | { name: 'approvals'; page?: number }
  | { name: 'answer'; publicationId: string; approve: boolean }
  | { name: 'votes'; receipt: string; votes: number }
  /** The human inbox: open handoffs with their conversations (the console's view). */
  | { name: 'inbox' }
  /** The form to answer a handoff. */
  | { name: 'replyForm'; handoffId: string }
  | { name: 'reply'; handoffId: string; text: string }
  | { name: 'closeHandoff'; handoffId: string }
  /** Messages that could not be delivered, a page at a time. */
  | { name: 'deliveries'; page?: number }
  | { name: 'retryDelivery'; outboxId: string }
  /** The event's registrations in figures, and its roster as a CSV file. */
  | { name: 'event' }
  | { name: 'eventRoster' }
  /** A consultation booth's schedule (booth-commands.ts); without a booth, every booth in figures to pick from. */
  | { name: 'booth'; boothId?: string }
  | { name: 'boothNoShow'; consultationId: string }
  /** A booth's schedule as CSV, with bookers (and intakes for roles that may see them). */
  | { name: 'boothRoster'; boothId: string }
  /** Seminars (seminar-commands.ts): every seminar in figures; one seminar's people; its roster as CSV. */
  | { name: 'seminars' }
  | { name: 'seminar'; seminarId: string }
  | { name: 'seminarRoster'; seminarId: string }
  /** Someone waiting (booking id or its first 8 characters) moved to a position in the waitlist. */
  | { name: 'seminarMove'; seminarId: string; booking: string; position: number }
  /** The form to change capacity, time and room; and the change as typed (validated in seminar-commands.ts). */
  | { name: 'seminarForm'; seminarId: string }
  | { name: 'changeSeminar'; seminarId: string; capacity?: string; start?: string; end?: string; roomJa?: string; roomEn?: string }
  /** Notices of seminar time changes awaiting approval, and an approver's answer. */
  | { name: 'seminarNotices' }
  | { name: 'answerSeminarNotice'; approvalId: string; approve: boolean }
  /** The commands the asker's roles may use. */
  | { name: 'help' }
  /** Broadcasts (broadcast-commands.ts): the form for the text, for a segment and an optional local send time (`YYYY-MM-DD HH:mm`). */
  | { name: 'broadcastForm'; segment: SegmentChoice; sendAt?: string }
  | { name: 'draftBroadcast'; segment: SegmentChoice; sendAt?: string; title: string; ja: string; en?: string }
  /** Broadcasts awaiting approval, each previewed. */
  | { name: 'broadcasts' }
  | { name: 'testBroadcast'; approvalId: string }
  | { name: 'answerBroadcast'; approvalId: string; approve: boolean }
  /** The latest sends' reports (broadcasts, results). */
  | { name: 'sendReports' };

export interface StaffRequest {
  /** `discord:<user id>` or `console:<name>`: the audit log's actor (and, for judges, who scores). */
  actor: string;
  roles: Role[];
  language: StaffLanguage;
  command: StaffCommand;
  /** How the asker signs an answer to a participant (their Discord display name). */
  displayName?: string;
}

export interface StaffDeps {
  db: SqlClient;
  transact: Transact;
  sealer: Sealer;
  program: Program;
  clock: () => Date;
  /** Hands approved outbox rows to the delivery queue at once (without it, the worker's sweep finds them). */
  release?: (outboxIds: string[]) => Promise<void>;
  /** The month's LINE message quota and consumption (previews warn, approvals refuse what it cannot carry). */
  quota?: QuotaSource;
  /**
   * The asker's own participant, for a broadcast's test send: by default a Discord staff
   * member's DM participant; the console (local mode) names its LINE user.
   */
  ownParticipant?: (actor: string) => Promise<string | null>;
}
