/**
 * Delivers a webhook body the way LINE does: raw JSON signed with
 * Base64(HMAC-SHA256(body, channel secret)) in `x-line-signature`.
 */
import { createHmac } from 'node:crypto';

export interface WebhookResult {
  /** The bot's HTTP status; 0 when it could not be reached at all. */
  status: number;
  durationMs: number;
}

/** LINE itself gives up after 2 s; the console waits longer so a slow bot is reported, not hidden. */
const TIMEOUT_MS = 10_000;

export function signature(rawBody: string, channelSecret: string): string {
  return createHmac('sha256', channelSecret).update(rawBody).digest('base64');
}

export async function postWebhook(url: string, channelSecret: string, body: unknown): Promise<WebhookResult> {
  const raw = JSON.stringify(body);
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'LineBotWebhook/2.0', 'x-line-signature': signature(raw, channelSecret) },
      body: raw,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return { status: response.status, durationMs: Math.round(performance.now() - started) };
  } catch {
    return { status: 0, durationMs: Math.round(performance.now() - started) };
  }
}
