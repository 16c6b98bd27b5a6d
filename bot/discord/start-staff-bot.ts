/**
 * The staff bot's Discord connection, started beside the webhook when DISCORD_BOT_TOKEN
 * is set. LINE must not depend on Discord: a failed login is logged and tried again
 * (doubling up to five minutes) while everything else runs; discord.js itself resumes
 * a connection that drops later.
 */
import { Client, Events, GatewayIntentBits, Partials } from 'discord.js';
import type pg from 'pg';
import type { Env } from '../../core/env.ts';
import { errorFields } from '../../core/error-fields.ts';
import type { Logger } from '../../core/logger.ts';
import { runStaffCommand, suggestReceipts, type StaffDeps } from '../staff/staff-commands.ts';
import { claimGatewayEvent } from '../../core/inbox/inbox.repository.ts';
import { attachDmParticipants } from './dm-participants.ts';
import { attachStaffCommands } from './staff-bot.ts';

export interface StaffBotContext {
  env: Env;
  deps: StaffDeps;
  logger: Logger;
  /** Participants' turns in DMs run on the staff pool. */
  sql: pg.Pool;
  /** Where this server is reached from outside: images it serves (a ticket's QR code) are linked there. */
  publicUrl?: string;
}

const FIRST_RETRY_MS = 5_000;
const LAST_RETRY_MS = 300_000;

export function startStaffBot(context: StaffBotContext): { client: Client; close(): Promise<void> } {
  const { env, deps, logger } = context;
  // DMs carry participants' flows (message content of DMs needs no privileged intent).
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages], partials: [Partials.Channel],
    rest: { api: env.DISCORD_API_BASE_URL },
  });
  // Every ouen process connected to the bot receives every event; one claims each.
  const claim = (eventId: string) => claimGatewayEvent(deps.db, eventId, 'discord', deps.clock());
  attachStaffCommands({
    client, roleMapping: env.OUEN_STAFF_ROLES, logger, claim,
    run: (request) => runStaffCommand(deps, request),
    suggest: (roles, typed) => suggestReceipts(deps, roles, typed),
  });
  const stopDmParticipants = attachDmParticipants({
    client, roleMapping: env.OUEN_STAFF_ROLES, sql: context.sql, sealer: deps.sealer, program: deps.program, logger, clock: deps.clock, claim,
    handoffAvailable: Boolean(env.DISCORD_INBOX_CHANNEL_ID), publicUrl: context.publicUrl,
    ...(deps.release ? { release: deps.release } : {}),
  });
  client.on(Events.Error, (error) => logger.error({ err: errorFields(error) }, 'discord client error'));
  // The staff feed (applications and the human inbox) is the worker's (worker/staff-feed-worker.ts).
  client.once(Events.ClientReady, () => logger.info('discord staff bot connected'));
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const login = (delayMs: number) => {
    client.login(env.DISCORD_BOT_TOKEN).catch((error: unknown) => {
      if (closed) return;
      logger.error({ err: errorFields(error), retryInMs: delayMs }, 'discord login failed; trying again');
      retry = setTimeout(() => login(Math.min(delayMs * 2, LAST_RETRY_MS)), delayMs);
      retry.unref();
    });
  };
  login(FIRST_RETRY_MS);
  return {
    client,
    async close() {
      closed = true;
      clearTimeout(retry);
      await stopDmParticipants();
      await client.destroy();
    },
  };
}
