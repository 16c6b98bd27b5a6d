/**
 * Ids of buttons and forms (Discord custom ids, the console panel's data attributes).
 * An id only names what was clicked: it is parsed strictly here and everything it names
 * is checked again on the server, so a forged or stale id is refused like any request.
 */
import { z } from 'zod';
import { feedComponentId } from '../../channels/discord/staff/feed-component-id.ts';
import type { StaffCommand } from './staff-types.ts';

const receipt = z.string().regex(/^[A-Z0-9]{2,12}-\d{1,6}$/);
const page = z.coerce.number().int().min(0).max(9);
/** A page of a long list (failed deliveries, an approval's applications). */
const listPage = z.string().regex(/^\d{1,4}$/).transform(Number);

export const componentId = {
  /** A button that opens the scoring form at `page`. */
  score: (receiptNumber: string, at: number) => `ouen:score:${receiptNumber}:${at}`,
  /** The scoring form itself. */
  sheet: (receiptNumber: string, at: number) => `ouen:sheet:${receiptNumber}:${at}`,
  /** The staff feed's buttons: an application's card and plan document, a handoff's answer and close. */
  ...feedComponentId,
  /** The human inbox's answer form (its button opens it). */
  replyForm: (handoffId: string) => `ouen:answer:${handoffId}`,
  approve: (publicationId: string) => `ouen:approve:${publicationId}`,
  reject: (publicationId: string) => `ouen:reject:${publicationId}`,
  /** Another page of the applications awaiting approval. */
  approvals: (at: number) => `ouen:approvals:${at}`,
  /** Picking an application from a list opens it (the picked receipt number comes as `value`). */
  open: 'ouen:open',
  /** Another page of the failed deliveries, and a retry of one. */
  deliveries: (at: number) => `ouen:deliveries:${at}`,
  retry: (outboxId: string) => `ouen:retry:${outboxId}`,
  /** The event's roster as CSV. */
  eventRoster: 'ouen:event-roster',
  /** Picking a booth from the overview opens its schedule (the booth id comes as `value`); a no-show. */
  booth: 'ouen:booth',
  noShow: (consultationId: string) => `ouen:noshow:${consultationId}`,
  /** A booth's schedule as CSV. */
  boothRoster: (boothId: string) => `ouen:broster:${boothId}`,
  /** Picking a seminar from the list opens it (the seminar id comes as `value`). */
  seminar: 'ouen:seminar',
  seminarRoster: (seminarId: string) => `ouen:sroster:${seminarId}`,
  /** Someone waiting moved to `position` (one up or down from where the card showed them). */
  seminarMove: (seminarId: string, bookingId: string, position: number) => `ouen:smove:${seminarId}:${bookingId}:${position}`,
  /** The change form's button, and the form itself. */
  seminarForm: (seminarId: string) => `ouen:sform:${seminarId}`,
  changeSeminar: (seminarId: string) => `ouen:schange:${seminarId}`,
  /** An approver's answer to a seminar time change's notice. */
  approveSeminarNotice: (approvalId: string) => `ouen:snapprove:${approvalId}`,
  rejectSeminarNotice: (approvalId: string) => `ouen:snreject:${approvalId}`,
  /**
   * A broadcast's form (segment, its one parameter or `-`, the send time as
   * `YYYYMMDDHHmm` or `-`), its test send, and an approver's answer.
   */
  broadcastForm: (segment: string, param: string | undefined, sendAt: string | undefined) =>
    `ouen:bcform:${segment}:${param ?? '-'}:${sendAt ? sendAt.replace(/\D/g, '') : '-'}`,
  testBroadcast: (approvalId: string) => `ouen:bctest:${approvalId}`,
  approveBroadcast: (approvalId: string) => `ouen:bcapprove:${approvalId}`,
  rejectBroadcast: (approvalId: string) => `ouen:bcreject:${approvalId}`,
};

const boothId = z.string().regex(/^[a-z0-9-]{2,30}$/);
export const seminarIdSchema = z.string().regex(/^[a-z0-9-]{2,40}$/);
/** Someone waiting: a booking id, or its first 8 characters as the card shows them. */
export const waitingReference = z.string().toLowerCase().regex(/^[0-9a-f]{8}(-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?$/);
const position = z.coerce.number().int().min(1).max(10_000);
const changeFields = z.object({
  capacity: z.string().max(10).optional(), start: z.string().max(20).optional(), end: z.string().max(20).optional(),
  roomJa: z.string().max(200).optional(), roomEn: z.string().max(200).optional(),
}).strict();

/** The seminar components: a pick, the roster, a waitlist move, the change form and its submission, a notice's answer. */
function seminarComponent(kind: string, parts: string[], fields: Record<string, string>): StaffCommand | null {
  const [first, second, third, extra] = parts;
  if (kind === 'seminar') {
    const parsed = seminarIdSchema.safeParse(fields.value);
    return parsed.success && first === undefined ? { name: 'seminar', seminarId: parsed.data } : null;
  }
  if (kind === 'snapprove' || kind === 'snreject') {
    const parsed = z.uuid().safeParse(first);
    return parsed.success && second === undefined ? { name: 'answerSeminarNotice', approvalId: parsed.data, approve: kind === 'snapprove' } : null;
  }
  const seminarId = seminarIdSchema.safeParse(first);
  if (!seminarId.success) return null;
  switch (kind) {
    case 'sroster': return second === undefined ? { name: 'seminarRoster', seminarId: seminarId.data } : null;
    case 'sform': return second === undefined ? { name: 'seminarForm', seminarId: seminarId.data } : null;
    case 'smove': {
      const parsed = z.tuple([z.uuid(), position]).safeParse([second, third]);
      return parsed.success && extra === undefined ? { name: 'seminarMove', seminarId: seminarId.data, booking: parsed.data[0], position: parsed.data[1] } : null;
    }
    case 'schange': {
      const parsed = changeFields.safeParse(fields);
      if (!parsed.success || second !== undefined) return null;
      // Empty inputs of the form change nothing.
      const given = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined && v.trim() !== ''));
      return { name: 'changeSeminar', seminarId: seminarId.data, ...given };
    }
    default: return null;
  }
}

const segmentId = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/);
const segmentParam = z.string().regex(/^[a-z0-9-]{1,30}$/);
const compactTime = z.string().regex(/^\d{12}$/).transform((t) => `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)} ${t.slice(8, 10)}:${t.slice(10, 12)}`);

/** The parameter a segment takes from the form id (applicants: status; round: which round). */
export function segmentParams(segment: string, param: string | undefined): Record<string, string> {
  if (!param || param === '-') return {};
  return segment === 'round' ? { round: param } : segment === 'applicants' ? { status: param } : { value: param };
}

function broadcastCommand(kind: string, id: string, fields: Record<string, string>): StaffCommand | null {
  if (kind === 'bcform') {
    const [segment, param, time, extra] = id.split(':').slice(2);
    const parsed = z.tuple([segmentId, z.union([z.literal('-'), segmentParam]), z.union([z.literal('-'), compactTime])]).safeParse([segment, param, time]);
    if (!parsed.success || extra !== undefined) return null;
    const [seg, p, sendAt] = parsed.data;
    const text = z.object({ title: z.string().trim().min(1).max(80), ja: z.string().trim().min(1).max(5000), en: z.string().max(5000).optional() }).safeParse(fields);
    if (!text.success) return null;
    const en = text.data.en?.trim();
    return {
      name: 'draftBroadcast', segment: { id: seg, params: segmentParams(seg, p) }, ...(sendAt === '-' ? {} : { sendAt }),
      title: text.data.title, ja: text.data.ja, ...(en ? { en } : {}),
    };
  }
  const [, , first, second] = id.split(':');
  const approvalId = z.uuid().safeParse(first);
  if (!approvalId.success || second !== undefined) return null;
  if (kind === 'bctest') return { name: 'testBroadcast', approvalId: approvalId.data };
  return { name: 'answerBroadcast', approvalId: approvalId.data, approve: kind === 'bcapprove' };
}

/** The command a clicked button or a submitted form asks for; null for anything not ours or malformed. */
export function commandFromComponent(id: string, fields: Record<string, string> = {}): StaffCommand | null {
  const [prefix, kind, first, second] = id.split(':');
  if (prefix !== 'ouen') return null;
  switch (kind) {
    case 'score': {
      const parsed = z.tuple([receipt, page]).safeParse([first, second]);
      return parsed.success ? { name: 'score', receipt: parsed.data[0], page: parsed.data[1] } : null;
    }
    case 'sheet': {
      const parsed = z.tuple([receipt, page]).safeParse([first, second]);
      const values = z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,39}$/), z.string().max(2000)).safeParse(fields);
      return parsed.success && values.success ? { name: 'saveScores', receipt: parsed.data[0], page: parsed.data[1], values: values.data } : null;
    }
    case 'detail':
    case 'document': {
      const parsed = receipt.safeParse(first);
      if (!parsed.success || second !== undefined) return null;
      return kind === 'detail' ? { name: 'application', receipt: parsed.data } : { name: 'document', receipt: parsed.data };
    }
    case 'reply':
    case 'answer':
    case 'close': {
      const parsed = z.uuid().safeParse(first);
      if (!parsed.success || second !== undefined) return null;
      if (kind === 'reply') return { name: 'replyForm', handoffId: parsed.data };
      if (kind === 'close') return { name: 'closeHandoff', handoffId: parsed.data };
      const text = z.string().min(1).max(4000).safeParse(fields.text);
      return text.success ? { name: 'reply', handoffId: parsed.data, text: text.data } : null;
    }
    case 'approve':
    case 'reject': {
      const parsed = z.uuid().safeParse(first);
      return parsed.success && second === undefined ? { name: 'answer', publicationId: parsed.data, approve: kind === 'approve' } : null;
    }
    case 'approvals':
    case 'deliveries': {
      const parsed = listPage.safeParse(first);
      if (!parsed.success || second !== undefined) return null;
      return kind === 'approvals' ? { name: 'approvals', page: parsed.data } : { name: 'deliveries', page: parsed.data };
    }
    case 'open': {
      const parsed = receipt.safeParse(fields.value);
      return parsed.success && first === undefined ? { name: 'application', receipt: parsed.data } : null;
    }
    case 'retry': {
      const parsed = z.uuid().safeParse(first);
      return parsed.success && second === undefined ? { name: 'retryDelivery', outboxId: parsed.data } : null;
    }
    case 'event-roster':
      return first === undefined ? { name: 'eventRoster' } : null;
    case 'booth': {
      const parsed = z.string().regex(/^[a-z0-9-]{2,30}$/).safeParse(fields.value);
      return parsed.success && first === undefined ? { name: 'booth', boothId: parsed.data } : null;
    }
    case 'broster': {
      const parsed = boothId.safeParse(first);
      return parsed.success && second === undefined ? { name: 'boothRoster', boothId: parsed.data } : null;
    }
    case 'seminar':
    case 'sroster':
    case 'sform':
    case 'smove':
    case 'schange':
    case 'snapprove':
    case 'snreject':
      return seminarComponent(kind, id.split(':').slice(2), fields);
    case 'noshow': {
      const parsed = z.uuid().safeParse(first);
      return parsed.success && second === undefined ? { name: 'boothNoShow', consultationId: parsed.data } : null;
    }
    case 'bcform':
    case 'bctest':
    case 'bcapprove':
    case 'bcreject':
      return broadcastCommand(kind, id, fields);
    default:
      return null;
  }
}
