/**
 * Posts the staff feed (core/staff-feed) to Discord, oldest first: an application's card
 * in the applications channel with a thread of its own, then each change in that thread.
 * A NOTIFY from the committing transaction wakes it; a sweep every 30 s covers a missed
 * one (and a Discord outage: a failed post stays pending and is tried again, up to
 * MAX_ATTEMPTS over a day; a request Discord rejects for its content fails at once). Each notice is leased
 * (committed), so two ouen processes never post it at the same time and no transaction
 * stays open while Discord answers. discord.js waits out rate limits (429) itself.
 */
import pg from 'pg';
import { DiscordAPIError, Routes, type Client } from 'discord.js';
import { findById } from '../../core/applications/staff-queries.ts';
import type { Logger } from '../../core/logger.ts';
import { errorFields } from '../../core/error-fields.ts';
import {
  claimNextNotice, findThread, noteNoticeAttempt, saveThread, settleNotice, STAFF_FEED_CHANNEL, type Notice,
} from '../../core/staff-feed/staff-notice.repository.ts';
import type { SqlClient } from '../../core/db/types.ts';
import { applicationButtons, applicationCard, applicationChangeText } from '../staff/feed-cards.ts';
import type { StaffLanguage } from '../staff/staff-messages.ts';
import type { StaffDeps, StaffReply } from '../staff/staff-types.ts';
import { messageBody } from './staff-bot.ts';
import { postHandoffNotice } from './handoff-feed.ts';

export interface StaffFeedOptions {
  client: Client;
  deps: StaffDeps;
  /** For LISTEN: a connection of its own. */
  databaseUrl: string;
  channels: { applications?: string; inbox?: string };
  logger: Logger;
  language?: StaffLanguage;
  sweepEveryMs?: number;
}

const MAX_ATTEMPTS = 10;
/** A notice is given up on only when it is also this old: a day-long Discord outage loses nothing. */
const GIVE_UP_AFTER_MS = 24 * 60 * 60 * 1000;
/** How long a claimed notice is this process's to post; Discord's retries and rate-limit waits fit well inside. */
const LEASE_MS = 120_000;
const RECONNECT_MS = 5_000;
/** Discord's limit for a thread name. */
const THREAD_NAME_CHARS = 100;

export interface RunningStaffFeed {
  /** Posts every pending notice it can; resolves with how many. */
  drain(): Promise<number>;
  close(): Promise<void>;
}

export function startStaffFeed(options: StaffFeedOptions): RunningStaffFeed {
  const { deps, logger } = options;
  const language = options.language ?? 'ja';
  let closed = false;
  let draining: Promise<number> | null = null;
  let again = false;

  const drain = (): Promise<number> => {
    if (draining) {
      again = true;
      return draining;
    }
    draining = (async () => {
      let posted = 0;
      do {
        again = false;
        for (;;) {
          if (closed || !options.client.isReady()) break;
          const notice = await claimNextNotice(deps.db, deps.clock(), LEASE_MS);
          if (!notice) break;
          const outcome = await postOne(notice);
          if (outcome === 'posted') posted += 1;
          // Discord unavailable: stop here, so an outage does not use up every notice's tries.
          if (outcome === 'retry') break;
        }
      } while (again && !closed);
      return posted;
    })().finally(() => {
      draining = null;
    });
    return draining;
  };

  /**
   * Posts and settles one claimed notice. A request Discord rejects for what it says
   * (400, 413) fails at once and the drain goes on; anything else (Discord down, missing
   * access after a settings change) is tried again later, and given up only after
   * MAX_ATTEMPTS tries over at least GIVE_UP_AFTER_MS.
   */
  async function postOne(notice: Notice): Promise<'posted' | 'failed' | 'retry'> {
    try {
      await settleNotice(deps.db, notice.id, await post(deps.db, notice), deps.clock());
      return 'posted';
    } catch (error) {
      const refused = error instanceof DiscordAPIError && (error.status === 400 || error.status === 413);
      await noteNoticeAttempt(deps.db, notice.id);
      const old = deps.clock().getTime() - new Date(notice.createdAt).getTime() > GIVE_UP_AFTER_MS;
      const failed = refused || (notice.attempts + 1 >= MAX_ATTEMPTS && old);
      if (failed) await settleNotice(deps.db, notice.id, 'failed', deps.clock());
      logger.warn({ notice: notice.id.toString(), kind: notice.kind, attempts: notice.attempts + 1, err: (error as Error).name, failed }, 'staff feed post failed');
      return refused ? 'failed' : 'retry';
    }
  }

  async function post(tx: SqlClient, notice: Notice): Promise<'sent' | 'skipped'> {
    if (notice.kind.startsWith('handoff.')) {
      return options.channels.inbox ? postHandoffNotice({ ...options, language }, tx, notice, options.channels.inbox) : 'skipped';
    }
    const channel = options.channels.applications;
    if (!channel) return 'skipped';
    const application = await findById(tx, deps.sealer, notice.entityId);
    if (!application) return 'skipped';
    const card: StaffReply = { card: applicationCard(deps.program, application, language), buttons: applicationButtons(application, language) };
    const thread = await findThread(tx, 'application', application.id);
    if (!thread) {
      const message = await options.client.rest.post(Routes.channelMessages(channel), { body: messageBody(card) }) as { id: string };
      const name = Array.from(`${application.receiptNumber ?? ''} ${card.card!.description ?? ''}`.trim()).slice(0, THREAD_NAME_CHARS).join('');
      const created = await options.client.rest.post(Routes.threads(channel, message.id), { body: { name, auto_archive_duration: 10080 } }) as { id: string };
      await saveThread(tx, { entity: 'application', entityId: application.id, channelId: channel, messageId: message.id, threadId: created.id }, deps.clock());
      if (notice.kind !== 'application.submitted') await say(created.id, applicationChangeText(deps.program, notice, language));
      return 'sent';
    }
    // The card shows the current state; the thread keeps the history.
    await options.client.rest.patch(Routes.channelMessage(thread.channelId, thread.messageId), { body: messageBody(card) });
    await say(thread.threadId, applicationChangeText(deps.program, notice, language), notice.kind === 'application.document' ? card.buttons!.slice(-1) : []);
    return 'sent';
  }

  async function say(channelId: string, text: string, buttons: StaffReply['buttons'] = []): Promise<void> {
    await options.client.rest.post(Routes.channelMessages(channelId), { body: messageBody({ text, buttons }) });
  }

  // Woken by NOTIFY on commit; reconnects after a lost connection (the sweep covers the gap).
  let listener: pg.Client | undefined;
  const listen = () => {
    if (closed) return;
    const client = new pg.Client({ connectionString: options.databaseUrl });
    listener = client;
    client.on('notification', () => void drain().catch(() => undefined));
    client.on('error', () => undefined);
    client.on('end', () => {
      if (!closed) setTimeout(listen, RECONNECT_MS).unref();
    });
    client.connect().then(() => client.query(`LISTEN ${STAFF_FEED_CHANNEL}`)).catch((error: unknown) => {
      logger.warn({ err: errorFields(error) }, 'staff feed could not listen; the sweep carries on');
      void client.end().catch(() => undefined);
    });
  };
  listen();
  const sweep = setInterval(() => void drain().catch((error: unknown) => logger.error({ err: errorFields(error) }, 'staff feed sweep failed')), options.sweepEveryMs ?? 30_000);
  sweep.unref();
  void drain().catch(() => undefined);

  return {
    drain,
    async close() {
      closed = true;
      clearInterval(sweep);
      await draining?.catch(() => undefined);
      await listener?.end().catch(() => undefined);
    },
  };
}
