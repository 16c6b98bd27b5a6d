/**
 * The webhook body at the edge, checked against LINE's documented shapes
 * (`shared/specs/line/webhook.yml`) in two levels:
 *
 * - the envelope (`destination`, an array of events): wrong here, the body is not from
 *   LINE and the request gets 400;
 * - each event on its own: a malformed event is dropped with a bounded reason and its
 *   valid neighbours go on (redelivering a malformed event could never help).
 *
 * Only the fields ouen reads are kept (zod objects strip the rest), so what is stored and
 * processed is exactly what was checked. Unknown event types pass with their common
 * fields only, because LINE adds types without notice.
 */
import { z } from 'zod';

/** `U` + 32 lowercase hex digits: the bot's id (`destination`) and every user id. */
const LINE_USER_ID = /^U[0-9a-f]{32}$/;
/** "A string in ULID format": 26 Crockford base32 characters. */
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/i;
/** Event, source and message types are short camelCase words in the spec. */
const TYPE_WORD = /^[A-Za-z]{1,32}$/;
/** Message ids are decimal strings (18 digits today). */
const MESSAGE_ID = /^\d{1,32}$/;
/** Reply tokens: printable ASCII without spaces. */
const TOKEN = /^[\x21-\x7e]{1,256}$/;
const CONTROL = /[\u0000-\u001f\u007f]/;
/**
 * Event times from 2000 to 2100 in epoch milliseconds: far wider than anything LINE sends,
 * and inside what `Date` and PostgreSQL take (8.64e15 ms overflows `Date`).
 */
const EARLIEST_MS = Date.UTC(2000, 0, 1);
const LATEST_MS = Date.UTC(2100, 0, 1);
/** Far above what a LINE user can type; bounds what one event can make ouen store. */
const MAX_TEXT = 20_000;
/** LINE's limit on postback data. */
const MAX_POSTBACK_DATA = 300;
/** A body may carry several events; LINE documents no limit, and more than this is not LINE. */
const MAX_EVENTS = 1000;

/** The event types webhook.yml names; metrics label anything else `other`. */
export const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set([
  'message', 'unsend', 'follow', 'unfollow', 'join', 'leave', 'memberJoined', 'memberLeft', 'postback', 'videoPlayComplete',
  'beacon', 'accountLink', 'membership', 'module', 'activated', 'deactivated', 'botSuspended', 'botResumed', 'delivery',
]);

const plainText = (max: number) => z.string().min(1).max(max).refine((s) => !CONTROL.test(s));

export const callbackSchema = z.object({
  destination: z.string().regex(LINE_USER_ID),
  events: z.array(z.unknown()).max(MAX_EVENTS),
});

const baseEvent = z.object({
  type: z.string().regex(TYPE_WORD),
  mode: z.enum(['active', 'standby']),
  timestamp: z.number().int().min(EARLIEST_MS).max(LATEST_MS),
  source: z.object({ type: z.string().regex(TYPE_WORD), userId: z.string().regex(LINE_USER_ID).optional() }).optional(),
  webhookEventId: z.string().regex(ULID),
  deliveryContext: z.object({ isRedelivery: z.boolean() }),
  replyToken: z.string().regex(TOKEN).optional(),
});

const message = z.object({
  id: z.string().regex(MESSAGE_ID),
  type: z.string().regex(TYPE_WORD),
  text: z.string().max(MAX_TEXT).optional(),
  fileName: plainText(1000).optional(),
  fileSize: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
});

const postback = z.object({
  data: z.string().max(MAX_POSTBACK_DATA),
  // What LINE's date and time picker puts here.
  params: z.object({ date: plainText(32).optional(), time: plainText(32).optional(), datetime: plainText(32).optional() }).optional(),
});

/** The part of an event ouen reads beyond the common fields, by event type. */
const DETAILS = {
  message: baseEvent.extend({ message }),
  postback: baseEvent.extend({ postback }),
  unsend: baseEvent.extend({ unsend: z.object({ messageId: z.string().regex(MESSAGE_ID) }) }),
  follow: baseEvent.extend({ follow: z.object({ isUnblocked: z.boolean() }).optional() }),
} as const;

/** A validated event: the common fields, and the detail of its type when ouen reads one. */
export type LineEvent = z.infer<typeof baseEvent> & {
  message?: z.infer<typeof message>;
  postback?: z.infer<typeof postback>;
  unsend?: { messageId: string };
  follow?: { isUnblocked: boolean };
};

/** Why an event was dropped: the field that failed, from a fixed list (a metric label). */
export type MalformedReason =
  | 'not-an-object' | 'type' | 'mode' | 'timestamp' | 'source' | 'webhookEventId' | 'deliveryContext' | 'replyToken'
  | 'message' | 'postback' | 'unsend' | 'follow';

const REASONS: ReadonlySet<string> = new Set<MalformedReason>([
  'type', 'mode', 'timestamp', 'source', 'webhookEventId', 'deliveryContext', 'replyToken', 'message', 'postback', 'unsend', 'follow',
]);

export type EventVerdict =
  | { ok: true; event: LineEvent }
  /** `webhookEventId` only when it is itself well-formed, so it can be logged. */
  | { ok: false; reason: MalformedReason; webhookEventId?: string };

/** Checks one event of a body; never throws. */
export function validateEvent(raw: unknown): EventVerdict {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'not-an-object' };
  const { type, webhookEventId } = raw as { type?: unknown; webhookEventId?: unknown };
  const schema = typeof type === 'string' && Object.hasOwn(DETAILS, type) ? DETAILS[type as keyof typeof DETAILS] : baseEvent;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, event: parsed.data as LineEvent };
  const field = String(parsed.error.issues[0]?.path[0] ?? 'type');
  const reason = (REASONS.has(field) ? field : 'type') as MalformedReason;
  return typeof webhookEventId === 'string' && ULID.test(webhookEventId) ? { ok: false, reason, webhookEventId } : { ok: false, reason };
}
