/**
 * Discord DMs as the turn pipeline sees them (channel-adapter.ts): a DM message, a click
 * (button, select) or a submitted form becomes a flow input; an attachment is fetched
 * from Discord's CDN; answers go back where the event came from (the DM channel, the
 * deferred click's reply and follow-ups). `/preview` is an event too: the staff member is
 * greeted in their DM as a new participant would be.
 *
 * Every process connected to the bot receives every gateway event, so each event carries
 * its claim (`claimed`, started when it arrived): only the claimant runs the turn.
 */
import {
  ActionRowBuilder, ModalBuilder, TextInputBuilder, TextInputStyle,
  type ButtonInteraction, type ChatInputCommandInteraction, type Message, type ModalSubmitInteraction, type StringSelectMenuInteraction,
} from 'discord.js';
import { translate, type ChannelInput, type FlowMessage, type Language } from '../../flows/index.ts';
import type { FetchedFile } from '../../core/files/file-rule.ts';
import type { ChannelAction, ChannelAdapter, ChannelFile } from '../channel-adapter.ts';
import { readAtMost } from '../read-at-most.ts';
import { FLOW_IDS, renderDiscordMessages, type DiscordMessageBody } from './dm-render.ts';

export type FlowClick = ButtonInteraction | StringSelectMenuInteraction | ModalSubmitInteraction;

export type DiscordDmEvent =
  | { kind: 'message'; message: Message; claimed: Promise<boolean> }
  /** Acknowledged (deferred) as soon as it was claimed: Discord wants an answer within 3 s. */
  | { kind: 'click'; interaction: FlowClick; claimed: Promise<boolean> }
  /** `/preview`, already deferred; `sentNotice` tells the staff member where to look once the greeting is out. */
  | { kind: 'preview'; interaction: ChatInputCommandInteraction; sentNotice: string; claimed: Promise<boolean> };

/** An answer not sent within this is delivered by the worker instead. */
const REPLY_WINDOW_MS = 30_000;
/** Discord's CDN answers at once or not at all. */
const FETCH_TIMEOUT_MS = 20_000;
const CHOICE_PREFIX = 'ouen:flow:c:';

export class DiscordDmAdapter implements ChannelAdapter<DiscordDmEvent, DiscordDmEvent, DiscordMessageBody> {
  readonly channel = 'discord';
  readonly replyWindowMs = REPLY_WINDOW_MS;

  /** An event is answered where it came from, so it is its own reply handle. */
  translate(event: DiscordDmEvent): ChannelAction<DiscordDmEvent> {
    if (event.kind === 'preview') return { kind: 'turn', userId: event.interaction.user.id, input: { type: 'follow' }, replyTo: event };
    if (event.kind === 'message') return { kind: 'turn', userId: event.message.author.id, replyTo: event, ...messageInput(event.message) };
    const input = clickInput(event.interaction);
    return input ? { kind: 'turn', userId: event.interaction.user.id, input, replyTo: event } : { kind: 'ignore', reason: 'unknown-component' };
  }

  describe(event: DiscordDmEvent): { id: string; type: string } {
    return { id: event.kind === 'message' ? event.message.id : event.interaction.id, type: event.kind };
  }

  /** Discord tells no language with a DM; the person can switch in the menu. */
  firstLanguage(): Promise<Language> {
    return Promise.resolve('ja');
  }

  async fetchFile(_userId: string, file: ChannelFile, maxBytes: number): Promise<FetchedFile> {
    const response = await fetch(file.source, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) }).catch(() => null);
    if (!response?.ok || !response.body) {
      await response?.body?.cancel();
      return 'unavailable';
    }
    return readAtMost(response.body, maxBytes).catch(() => 'unavailable' as const);
  }

  render(messages: FlowMessage[], language: Language, facts: Record<string, string>): DiscordMessageBody[] {
    return renderDiscordMessages(messages, language, facts);
  }

  async reply(_userId: string, to: DiscordDmEvent, bodies: DiscordMessageBody[]): Promise<void> {
    if (to.kind === 'message') {
      const { channel } = to.message;
      if (!channel.isSendable()) throw new Error('the DM channel cannot be sent to');
      for (const body of bodies) await channel.send(body as never);
      return;
    }
    if (to.kind === 'preview') {
      try {
        const dm = await to.interaction.user.createDM();
        for (const body of bodies) await dm.send(body as never);
      } finally {
        // The greeting that did not go out now is the worker's to deliver: either way it is on its way.
        await to.interaction.editReply({ content: to.sentNotice }).catch(() => undefined);
      }
      return;
    }
    const [first, ...rest] = bodies;
    // Nothing to say (staff have the conversation): the "thinking…" placeholder goes away.
    if (!first) return void await to.interaction.deleteReply().catch(() => undefined);
    await to.interaction.editReply(first as never);
    for (const body of rest) await to.interaction.followUp(body as never);
  }
}

function messageInput(message: Message): { input: ChannelInput; file?: ChannelFile } {
  const attachment = message.attachments.first();
  if (attachment) {
    // The input is completed once the file is received (core/files/file-rule.ts).
    const file = { messageId: message.id, fileName: attachment.name, sizeBytes: attachment.size, source: attachment.url };
    return { input: { type: 'unsupported', what: 'file-pending' }, file };
  }
  const text = message.content.trim();
  return { input: text ? { type: 'text', text, messageId: message.id } : { type: 'unsupported', what: 'sticker' } };
}

/** The flow input of a click or a submitted form; null for a component that is not a flow's. */
export function clickInput(interaction: FlowClick): ChannelInput | null {
  if (interaction.isStringSelectMenu()) {
    const value = interaction.values[0];
    return interaction.customId === FLOW_IDS.change && value ? { type: 'choice', value } : null;
  }
  if (interaction.isModalSubmit()) {
    if (interaction.customId !== FLOW_IDS.dateForm) return null;
    const typed = interaction.fields.getTextInputValue('date').normalize('NFKC').trim();
    const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(typed.replace(/[/.年月]/g, '-').replace(/日$/, ''));
    // Not a date: the words as typed, for the flow to check like any answer.
    return match ? { type: 'date', date: `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}` } : { type: 'text', text: typed };
  }
  return interaction.customId.startsWith(CHOICE_PREFIX) ? { type: 'choice', value: interaction.customId.slice(CHOICE_PREFIX.length) } : null;
}

/** The language of the person's Discord app, for what is shown before any turn (the date form). */
export function languageOf(interaction: FlowClick): Language {
  return interaction.locale.startsWith('ja') ? 'ja' : 'en';
}

/** A date is typed into a form (Discord has no date picker); the flow checks it like any answer. */
export function dateForm(language: Language): ModalBuilder {
  return new ModalBuilder().setCustomId(FLOW_IDS.dateForm).setTitle(translate(language, 'picker.date')).addComponents(
    new ActionRowBuilder<TextInputBuilder>().addComponents(
      new TextInputBuilder().setCustomId('date').setLabel('YYYY-MM-DD').setStyle(TextInputStyle.Short).setRequired(true).setMaxLength(20).setPlaceholder('2024-04-01'),
    ),
  );
}
