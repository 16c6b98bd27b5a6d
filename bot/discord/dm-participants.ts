/**
 * Participants in Discord DMs: the same flows as on LINE through a second renderer
 * (dm-render.ts). A DM message or a click becomes a flow input, the turn runs exactly
 * as a LINE turn does (one transaction: state, effects, outbox row, audit), and the
 * answer is sent back in the DM; if that fails, the outbox row becomes due and the
 * worker delivers it. Staff use it to try a flow (`/preview`), and a Discord user can
 * apply to the contest here. One person's inputs are handled one at a time, in order.
 */
import { createHash } from 'node:crypto';
import {
  Events, MessageFlags, ModalBuilder, ActionRowBuilder, TextInputBuilder, TextInputStyle, ChannelType,
  type ButtonInteraction, type ChatInputCommandInteraction, type Client, type Interaction, type Message, type StringSelectMenuInteraction, type ModalSubmitInteraction,
} from 'discord.js';
import type pg from 'pg';
import { translate, type ChannelInput, type Language } from '../../flows/index.ts';
import type { ReceivedFile } from '../../core/applications/document.service.ts';
import type { Sealer } from '../../core/crypto/sealer.ts';
import { sqlClient } from '../../core/db/pg-transaction.ts';
import { errorFields } from '../../core/error-fields.ts';
import type { Logger } from '../../core/logger.ts';
import { makeOutboxDue, markOutboxSent } from '../../core/outbox/outbox.repository.ts';
import { ensureDiscordParticipant } from '../../core/participants/participant.service.ts';
import type { Program } from '../../core/program/load-program.ts';
import { appendAudit } from '../../core/audit/audit-log.ts';
import { authorize, denialAudit, rolesOf, type RoleMapping } from '../../core/staff/permissions.ts';
import { transactOn } from '../../core/db/pg-transaction.ts';
import { runTurns } from '../../runtime/run-turn.ts';
import { staffText } from '../staff/staff-messages.ts';
import { FLOW_IDS, renderDiscordMessages, type DiscordMessageBody } from '../../channels/discord/dm-render.ts';
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
  /**
   * Claims a Discord event id for this process: with several ouen processes connected,
   * each receives every DM, and only the one that claims it runs the turn.
   */
  claim: (eventId: string) => Promise<boolean>;
}

/** The program's rule for plan documents. */
const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** An answer not sent within this is delivered by the worker instead. */
const REPLY_WINDOW_MS = 30_000;

type Clicked = ButtonInteraction | StringSelectMenuInteraction | ModalSubmitInteraction;

export function attachDmParticipants(options: DmParticipantsOptions): () => void {
  const queues = new Map<string, Promise<void>>();
  /** One person's inputs one after another; different people in parallel. */
  const inOrder = (userId: string, work: () => Promise<void>) => {
    const next = (queues.get(userId) ?? Promise.resolve()).then(work).catch((error: unknown) =>
      options.logger.error({ err: errorFields(error) }, 'discord DM turn failed'));
    queues.set(userId, next);
    void next.finally(() => {
      if (queues.get(userId) === next) queues.delete(userId);
    });
  };

  const onMessage = (message: Message) => {
    if (message.author.bot || message.channel.type !== ChannelType.DM) return;
    inOrder(message.author.id, async () => {
      if (!await options.claim(`discord:${message.id}`)) return;
      const { input, files } = await inputOfMessage(message);
      const bodies = await turn(options, message.author.id, input, files).catch(async (error: unknown) => {
        // Not replayed (gateway events are not redelivered): the person is asked to send it again.
        if (message.channel.isSendable()) await message.channel.send({ content: translate('ja', 'error.generic') }).catch(() => undefined);
        throw error;
      });
      if (!bodies) return;
      await send(bodies.bodies, (body) => message.channel.isSendable() ? message.channel.send(body as never) : Promise.reject(new Error('not sendable')), options, bodies.outboxId);
    });
  };

  const onInteraction = (interaction: Interaction) => {
    if (interaction.isChatInputCommand() && interaction.commandName === 'preview') {
      void preview(interaction, options, inOrder).catch((error: unknown) => options.logger.error({ err: errorFields(error) }, 'flow preview failed'));
      return;
    }
    if (interaction.inGuild() || !(interaction.isButton() || interaction.isStringSelectMenu() || interaction.isModalSubmit())) return;
    if (!interaction.customId.startsWith('ouen:flow:')) return;
    if (interaction.isButton() && interaction.customId === FLOW_IDS.date) {
      // A date is typed into a form (Discord has no date picker); the flow checks it like any answer.
      void interaction.showModal(dateForm(languageOf(interaction))).catch(() => undefined);
      return;
    }
    const input = inputOfClick(interaction);
    if (!input) return;
    // Acknowledged at once (Discord's 3 s), then queued behind the person's earlier inputs.
    const acknowledged = options.claim(`discord:${interaction.id}`)
      .then((mine) => (mine ? interaction.deferReply().then(() => true) : false))
      .catch((error: unknown) => {
        options.logger.warn({ interactionId: interaction.id, err: errorFields(error) }, 'discord DM click could not be acknowledged');
        return false;
      });
    inOrder(interaction.user.id, async () => {
      if (!await acknowledged) return;
      const result = await turn(options, interaction.user.id, input, []).catch(async (error: unknown) => {
        await interaction.editReply({ content: translate(languageOf(interaction), 'error.generic') }).catch(() => undefined);
        throw error;
      });
      const [first, ...rest] = result?.bodies ?? [];
      // Nothing to say (staff have the conversation): the "thinking…" placeholder goes away.
      if (!first) return void await interaction.deleteReply().catch(() => undefined);
      await send([first], (body) => interaction.editReply(body as never), options, null);
      await send(rest, (body) => interaction.followUp(body as never), options, result!.outboxId, true);
    });
  };

  options.client.on(Events.MessageCreate, onMessage);
  options.client.on(Events.InteractionCreate, onInteraction);
  return () => {
    options.client.off(Events.MessageCreate, onMessage);
    options.client.off(Events.InteractionCreate, onInteraction);
  };
}

/**
 * `/preview` (staff): the bot opens a DM with the member and greets them as a new
 * participant would be greeted, so they can walk through the flows before they go live.
 * What they enter is a real participant's (Discord's), as for anyone writing in DMs.
 */
async function preview(interaction: ChatInputCommandInteraction, options: DmParticipantsOptions, inOrder: (userId: string, work: () => Promise<void>) => void): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const roles = rolesOf(memberRoleIds(interaction), options.roleMapping);
  const decision = authorize(roles, 'flows.preview');
  if (!decision.allowed) {
    await transactOn(options.sql)((tx) => appendAudit(tx, [denialAudit(`discord:${interaction.user.id}`, 'flows.preview', decision.reason)], options.clock()));
    await interaction.editReply({ content: refusalText('ja', 'flows.preview', decision.reason, roles) });
    return;
  }
  inOrder(interaction.user.id, async () => {
    const result = await turn(options, interaction.user.id, { type: 'follow' }, []);
    const dm = await interaction.user.createDM();
    if (result) await send(result.bodies, (body) => dm.send(body as never), options, result.outboxId);
    await interaction.editReply({ content: staffText('ja', 'preview.sent') });
  });
}

async function turn(options: DmParticipantsOptions, discordUserId: string, input: ChannelInput, files: ReceivedFile[]): Promise<{ bodies: DiscordMessageBody[]; outboxId: string | null } | null> {
  const now = options.clock();
  const participant = await ensureDiscordParticipant(sqlClient(options.sql), discordUserId, 'ja', now);
  const [result] = await runTurns({ sql: options.sql, sealer: options.sealer, program: options.program, handoffAvailable: options.handoffAvailable }, [{
    participantId: participant.id, input, now, files,
    render: (messages, language, facts) => renderDiscordMessages(messages, language, facts),
    replyWindowMs: REPLY_WINDOW_MS, channel: 'discord',
  }]);
  // A turn that failed alone (its savepoint rolled back) gets the apology like any failure.
  if (result?.status === 'failed') throw result.error;
  if (!result || result.status !== 'done') return null;
  return { bodies: result.rendered as DiscordMessageBody[], outboxId: result.outboxId };
}

/** Sends the answer; marks its outbox row sent, or makes it due for the worker when Discord refused. */
async function send(
  bodies: DiscordMessageBody[], post: (body: DiscordMessageBody) => Promise<unknown>, options: DmParticipantsOptions, outboxId: string | null, partial = false,
): Promise<void> {
  try {
    for (const body of bodies) await post(body);
    if (outboxId) await markOutboxSent(sqlClient(options.sql), [outboxId], options.clock());
  } catch (error) {
    if (!outboxId || partial) throw error;
    await makeOutboxDue(sqlClient(options.sql), outboxId, options.clock());
    await options.release?.([outboxId]).catch(() => undefined);
    options.logger.warn({ outboxId, err: (error as Error).name }, 'discord DM answer failed; the worker delivers it');
  }
}

async function inputOfMessage(message: Message): Promise<{ input: ChannelInput; files: ReceivedFile[] }> {
  const attachment = message.attachments.first();
  if (!attachment) {
    const text = message.content.trim();
    return { input: text ? { type: 'text', text, messageId: message.id } : { type: 'unsupported', what: 'sticker' }, files: [] };
  }
  const fileName = attachment.name;
  const refused = (isPdf: boolean, sizeBytes = attachment.size): { input: ChannelInput; files: ReceivedFile[] } =>
    ({ input: { type: 'file', fileName, sizeBytes, isPdf, sourceMessageId: message.id }, files: [] });
  if (!/\.pdf$/i.test(fileName)) return refused(false);
  if (attachment.size > MAX_FILE_BYTES) return refused(true);
  const response = await fetch(attachment.url, { signal: AbortSignal.timeout(20_000) }).catch(() => null);
  if (!response?.ok) return { input: { type: 'unsupported', what: 'file-unavailable' }, files: [] };
  const content = Buffer.from(await response.arrayBuffer());
  if (content.length > MAX_FILE_BYTES) return refused(true, content.length);
  if (content.subarray(0, 5).toString('latin1') !== '%PDF-') return refused(false);
  const sha256 = createHash('sha256').update(content).digest('hex');
  return {
    input: { type: 'file', fileName, sizeBytes: content.length, isPdf: true, sourceMessageId: message.id },
    files: [{ sourceMessageId: message.id, fileName, content, sha256 }],
  };
}

function inputOfClick(interaction: Clicked): ChannelInput | null {
  if (interaction.isStringSelectMenu()) {
    const value = interaction.values[0];
    return interaction.customId === FLOW_IDS.change && value ? { type: 'choice', value } : null;
  }
  if (interaction.isModalSubmit()) {
    if (interaction.customId !== FLOW_IDS.dateForm) return null;
    const typed = interaction.fields.getTextInputValue('date').normalize('NFKC').trim().replace(/[/.年月]/g, '-').replace(/日$/, '');
    const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(typed);
    return match ? { type: 'date', date: `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}` } : { type: 'text', text: typed };
  }
  const prefix = 'ouen:flow:c:';
  return interaction.customId.startsWith(prefix) ? { type: 'choice', value: interaction.customId.slice(prefix.length) } : null;
}

function languageOf(interaction: Clicked): Language {
  return interaction.locale.startsWith('ja') ? 'ja' : 'en';
}

function dateForm(language: Language): ModalBuilder {
  return new ModalBuilder().setCustomId(FLOW_IDS.dateForm).setTitle(translate(language, 'picker.date')).addComponents(
    new ActionRowBuilder<TextInputBuilder>().addComponents(
      new TextInputBuilder().setCustomId('date').setLabel('YYYY-MM-DD').setStyle(TextInputStyle.Short).setRequired(true).setMaxLength(20).setPlaceholder('2024-04-01'),
    ),
  );
}

