/**
 * The outbox worker's way to reach a participant in Discord DMs (as a LINE push reaches
 * one on LINE): open the DM channel, post each message. Plain REST on `fetch`, so the
 * worker needs no gateway connection. A nonce per message (enforced) keeps a retried
 * delivery from posting twice.
 */
import { clipCharacters } from '../../core/clip-text.ts';
import type { ChannelPush } from '../channel-adapter.ts';

export class DiscordApiError extends Error {
  override name = 'DiscordApiError';
  constructor(readonly status: number, readonly retryAfterSeconds?: number) {
    super(`Discord answered ${status}`);
  }
}

export class DiscordDmSender implements ChannelPush {
  constructor(private readonly token: string, private readonly apiBase: string) {}

  async push(userId: string, messages: unknown[], retryKey: string): Promise<void> {
    const channel = await this.#call<{ id: string }>('/users/@me/channels', { recipient_id: userId });
    for (const [index, message] of messages.map(toDiscordBody).entries()) {
      await this.#call(`/channels/${channel.id}/messages`, { ...message, nonce: `${retryKey.replaceAll('-', '').slice(0, 22)}${index}`, enforce_nonce: true });
    }
  }

  async #call<T>(path: string, body: unknown): Promise<T> {
    const response = await fetch(`${this.apiBase}/v10${path}`, {
      method: 'POST',
      headers: { authorization: `Bot ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) {
      const answer = await response.json().catch(() => ({})) as { retry_after?: number };
      throw new DiscordApiError(response.status, answer.retry_after);
    }
    return await response.json() as T;
  }
}

/**
 * The worker renders outbox rows for Discord (runtime/render-outbox.ts); only rows written
 * before content was channel-neutral still hold LINE text messages, whose text becomes
 * Discord content.
 */
function toDiscordBody(message: unknown): Record<string, unknown> {
  const m = message as { type?: unknown; text?: unknown };
  if (m.type === 'text' && typeof m.text === 'string') return { content: clipCharacters(m.text, 2000), allowed_mentions: { parse: [] } };
  return message as Record<string, unknown>;
}
