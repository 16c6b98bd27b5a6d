/**
 * Participants in Discord DMs: the same flows as on LINE, through the same turn pipeline
 * (runtime/turn-pipeline.ts) with the Discord adapter (channels/discord/dm-adapter.ts).
 * This file is the wiring only: which gateway events are the participants', each claimed
 * as it arrives (every connected process receives every event; only the claimant runs
 * it), a click acknowledged within Discord's 3 s, the date button's form, and `/preview`
 * for staff, who may try the flows in their own DM.
 */
import { ChannelType, Events, MessageFlags, type ChatInputCommandInteraction, type Client, type Interaction, type Message } from 'discord.js';
import type pg from 'pg';
import type { Sealer } from '../../core/crypto/sealer.ts';
import { errorFields } from '../../core/error-fields.ts';
import type { Logger } from '../../core/logger.ts';
import type { Program } from '../../core/program/load-program.ts';
import { appendAudit } from '../../core/audit/audit-log.ts';
import { authorize, denialAudit, rolesOf, type RoleMapping } from '../../core/staff/permissions.ts';
import { transactOn } from '../../core/db/pg-transaction.ts';
import { TurnPipeline } from '../../runtime/turn-pipeline.ts';
import { clickInput, dateForm, DiscordDmAdapter, languageOf, type DiscordDmEvent, type FlowClick } from '../../channels/discord/dm-adapter.ts';
import { FLOW_IDS, type DiscordMessageBody } from '../../channels/discord/dm-render.ts';
import { staffText } from '../staff/staff-messages.ts';
import { memberRoleIds } from './staff-bot.ts';
import { refusalText } from '../staff/command-permissions.ts';

export interface DmParticipantsOptions {
  client: Client;
  /** For `/preview`: who may try the flows (flows.preview). */
  roleMapping: RoleMapping;
  sql: pg.Pool;
  sealer: Sealer;
  program: Program;
  logger: Logger;
  clock: () => Date;
  /** Hands a due outbox row to the delivery queue (a DM that could not be sent now). */
  release?: (outboxIds: string[]) => Promise<void>;
  /** Someone can take a conversation over (the inbox channel is configured). */
  handoffAvailable: boolean;
  /** Where this server is reached from outside: images it serves (a ticket's QR code) are linked there. */
  publicUrl?: string;
  /**
   * Claims a Discord event id for this process: with several ouen processes connected,
   * each receives every DM, and only the one that claims it runs the turn.
   */
  claim: (eventId: string) => Promise<boolean>;
}

/**
 * Starts answering participants in DMs. The returned function stops taking events and
 * resolves once those taken are answered and recorded (before the pool closes: an answer
 * not marked sent would be delivered again by the worker).
 */
export function attachDmParticipants(options: DmParticipantsOptions): () => Promise<void> {
  const { logger } = options;
  const pipeline = new TurnPipeline<DiscordDmEvent, DiscordDmEvent, DiscordMessageBody>({
    adapter: new DiscordDmAdapter(),
    intake: { kind: 'claimed', claimed: (event) => event.claimed },
    sql: options.sql, sealer: options.sealer, program: options.program, handoffAvailable: options.handoffAvailable, publicUrl: options.publicUrl,
    outbox: { enqueue: (ids) => options.release?.(ids) ?? Promise.resolve() },
    logger, clock: options.clock,
  });
  /** A participant event's claim: not ours when it cannot be made (running it twice would be worse). */
  const claim = (id: string) => options.claim(`discord:${id}`).catch((error: unknown) => {
    logger.warn({ eventId: id, err: errorFields(error) }, 'discord DM event could not be claimed');
    return false;
  });

  const onMessage = (message: Message) => {
    if (message.author.bot || message.channel.type !== ChannelType.DM) return;
    pipeline.dispatch([{ kind: 'message', message, claimed: claim(message.id) }]);
  };

  const onInteraction = (interaction: Interaction) => {
    if (interaction.isChatInputCommand() && interaction.commandName === 'preview') {
      void preview(interaction, options, pipeline).catch((error: unknown) => logger.error({ err: errorFields(error) }, 'flow preview failed'));
      return;
    }
    if (interaction.inGuild() || !(interaction.isButton() || interaction.isStringSelectMenu() || interaction.isModalSubmit())) return;
    if (!interaction.customId.startsWith('ouen:flow:')) return;
    if (interaction.isButton() && interaction.customId === FLOW_IDS.date) {
      void interaction.showModal(dateForm(languageOf(interaction))).catch(() => undefined);
      return;
    }
    if (!clickInput(interaction)) return;
    pipeline.dispatch([{ kind: 'click', interaction, claimed: acknowledged(interaction, claim) }]);
  };

  options.client.on(Events.MessageCreate, onMessage);
  options.client.on(Events.InteractionCreate, onInteraction);
  return () => {
    options.client.off(Events.MessageCreate, onMessage);
    options.client.off(Events.InteractionCreate, onInteraction);
    return pipeline.drain();
  };
}

/** Claimed, then acknowledged at once (Discord's 3 s); the turn itself waits behind the person's earlier inputs. */
function acknowledged(interaction: FlowClick, claim: (id: string) => Promise<boolean>): Promise<boolean> {
  return claim(interaction.id).then((mine) => (mine ? interaction.deferReply().then(() => true) : false)).catch(() => false);
}

/**
 * `/preview` (staff): the bot greets the member in a DM as a new participant would be
 * greeted, so they can walk through the flows before they go live. What they enter is a
 * real participant's (Discord's), as for anyone writing in DMs.
 */
async function preview(interaction: ChatInputCommandInteraction, options: DmParticipantsOptions, pipeline: TurnPipeline<DiscordDmEvent, DiscordDmEvent, DiscordMessageBody>): Promise<void> {
  // As for staff commands: if the claim cannot be made this process answers; a second answer fails harmlessly.
  if (!await options.claim(`discord:${interaction.id}`).catch(() => true)) return;
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const roles = rolesOf(memberRoleIds(interaction), options.roleMapping);
  const decision = authorize(roles, 'flows.preview');
  if (!decision.allowed) {
    await transactOn(options.sql)((tx) => appendAudit(tx, [denialAudit(`discord:${interaction.user.id}`, 'flows.preview', decision.reason)], options.clock()));
    await interaction.editReply({ content: refusalText('ja', 'flows.preview', decision.reason, roles) });
    return;
  }
  pipeline.dispatch([{ kind: 'preview', interaction, sentNotice: staffText('ja', 'preview.sent'), claimed: Promise.resolve(true) }]);
}
