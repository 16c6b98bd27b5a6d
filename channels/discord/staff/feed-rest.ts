/**
 * The staff feed's calls to Discord's REST API (no gateway: the worker posts the feed).
 * Posting is not idempotent at Discord, so each step that creates something is made safe
 * to repeat: a message carries a nonce Discord enforces (a repeat within minutes returns
 * the first message), and starting a card's thread twice finds the thread there (a thread
 * started from a message has that message's id).
 */
import { DiscordAPIError, REST } from '@discordjs/rest';
import { Routes } from 'discord.js';
import type { Sealer } from '../../../core/crypto/sealer.ts';
import type { SqlClient } from '../../../core/db/types.ts';
import type { Program } from '../../../core/program/load-program.ts';
import type { StaffLanguage } from './feed-messages.ts';
import { messageBody } from './render-staff-reply.ts';
import type { StaffReply } from './staff-view.ts';

/** Discord's error code: a thread has already been created for this message. */
const THREAD_ALREADY_CREATED = 160004;
/** Discord's limit for a thread name. */
export const THREAD_NAME_CHARS = 100;
/** A request Discord does not answer within this is a timeout: retried like a 5xx. */
const REQUEST_TIMEOUT_MS = 15_000;

/** What posting a notice needs. */
export interface FeedPostDeps {
  rest: REST;
  db: SqlClient;
  sealer: Sealer;
  program: Program;
  clock: () => Date;
  language: StaffLanguage;
  channels: { applications?: string; inbox?: string };
}

/**
 * A REST client that waits for nothing and retries nothing itself: every 5xx, timeout and
 * 429 comes back as an error, for the one retry policy (runtime/retry-policy.ts).
 */
export function feedRest(token: string, apiBase: string): REST {
  return new REST({ api: apiBase, retries: 0, timeout: REQUEST_TIMEOUT_MS, rejectOnRateLimit: () => true }).setToken(token);
}

/** Posts a staff reply as a message; `nonce` (≤ 25 characters) makes a repeat within minutes return the first message. */
export async function postMessage(rest: REST, channelId: string, reply: StaffReply, nonce: string): Promise<{ id: string }> {
  return await rest.post(Routes.channelMessages(channelId), { body: { ...messageBody(reply), nonce, enforce_nonce: true } }) as { id: string };
}

/** Starts the thread of a card; started before (a try that failed after it), it is the one there. */
export async function startThread(rest: REST, channelId: string, messageId: string, name: string, archiveMinutes: 1440 | 10080): Promise<string> {
  try {
    const created = await rest.post(Routes.threads(channelId, messageId), { body: { name, auto_archive_duration: archiveMinutes } }) as { id: string };
    return created.id;
  } catch (error) {
    if (error instanceof DiscordAPIError && error.code === THREAD_ALREADY_CREATED) return messageId;
    throw error;
  }
}

/** A notice's nonce for one of its posts (`step`: one letter). Snowflake-free, ≤ 25 characters. */
export function noticeNonce(noticeId: bigint, step: string): string {
  return `f${noticeId.toString()}${step}`;
}
