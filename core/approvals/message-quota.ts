/**
 * The month's LINE message quota against what a send would bill. LINE bills pushes and
 * multicasts per recipient; the plan's free messages (Communication 200, Light 5,000 …)
 * are the quota `GET /v2/bot/message/quota` reports, and `…/quota/consumption` what the
 * month has used. Read before a large send so staff are warned in the preview, and an
 * approval that cannot finish is refused: no half-sent broadcast.
 */
import { ApprovalRefusal } from './approval-errors.ts';

/** The month as LINE reports it: `limit` null when the plan sets none (`type: none`). */
export interface QuotaReading {
  limit: number | null;
  used: number;
}

/** Reads the month's quota and consumption (channels/line/line-api.ts `messageQuota`). */
export type QuotaSource = () => Promise<QuotaReading>;

export interface QuotaCheck extends QuotaReading {
  /** Messages the send would bill. */
  billed: number;
  /** What is left this month before the send; null without a limit. */
  remaining: number | null;
  /** The send would go past the month's quota. */
  exceeds: boolean;
}

export function checkQuota(reading: QuotaReading, billed: number): QuotaCheck {
  const remaining = reading.limit === null ? null : Math.max(0, reading.limit - reading.used);
  return { ...reading, billed, remaining, exceeds: remaining !== null && billed > remaining };
}

/** Refuses a send the month's quota cannot carry (or whose quota LINE would not tell). */
export async function refuseOverQuota(quota: QuotaSource | undefined, billed: number): Promise<void> {
  if (!quota || billed === 0) return;
  const reading = await quota().catch(() => null);
  if (!reading) throw new ApprovalRefusal('quotaUnknown');
  const check = checkQuota(reading, billed);
  if (check.exceeds) throw new ApprovalRefusal('quotaExceeded', { billed, remaining: check.remaining ?? 0 });
}
