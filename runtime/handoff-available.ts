import { isLocalMode, type Env } from '../core/env.ts';

/**
 * Whether anyone can take a conversation over: the Discord inbox channel, or the
 * console's staff panel in local mode. Without either, a handoff would leave a person
 * talking to nobody, so the bot tells them where to ask instead.
 */
export function handoffAvailable(env: Env): boolean {
  return isLocalMode(env) || Boolean(env.DISCORD_BOT_TOKEN && env.DISCORD_INBOX_CHANNEL_ID);
}
