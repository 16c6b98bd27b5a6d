/**
 * What LINE's answer about a reply token tells. A reply token is single use and "must be
 * used within one minute of receiving the webhook"; a reply with a used or expired token
 * is refused with 400 "Invalid reply token". While a token is too young to have expired,
 * that refusal can only mean it was used: the answer it carried was delivered.
 */
import { LineApiError } from './line-api.ts';

/**
 * Younger than this, a token cannot have expired: well inside LINE's documented minute,
 * and inside the 30 s that tokens were observed to last before LINE documented it.
 * The age is counted from the event's own timestamp, which is no later than the token's issue.
 */
export const REPLY_TOKEN_SURE_MS = 25_000;

export function isYoungReplyToken(eventAt: Date, now: Date): boolean {
  return now.getTime() - eventAt.getTime() < REPLY_TOKEN_SURE_MS;
}

export function isRefusedReplyToken(error: unknown): boolean {
  return error instanceof LineApiError && error.status === 400 && error.lineMessage === 'Invalid reply token';
}
