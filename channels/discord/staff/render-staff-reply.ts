/**
 * A staff reply (staff-view.ts) as Discord shows it: cards as embeds, buttons and a
 * select in action rows, a file as an attachment, all cut to Discord's limits, and what
 * someone else wrote escaped so it reads as typed. The staff bot answers interactions
 * with it; the worker posts the staff feed through REST with {@link messageBody}.
 */
import {
  ActionRowBuilder, AttachmentBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, StringSelectMenuBuilder, escapeMarkdown,
} from 'discord.js';
import { clipCharacters, latestThatFit } from '../../../core/clip-text.ts';
import { feedText, type StaffLanguage } from './feed-messages.ts';
import type { StaffCard, StaffPick, StaffReply } from './staff-view.ts';

/** Discord's limit for an embed's description. */
const DESCRIPTION_CHARS = 4096;

/** Field values can be what participants typed: escaped, so a masked link or a mention is shown as text. */
function embed(card: StaffCard, extraLines: string[] = []): EmbedBuilder {
  // Escaped first, then cut to Discord's limits, so escaping can never push a card over them.
  const fields = card.fields.slice(0, 25).map((f) => ({ name: clipCharacters(f.name, 256), value: clipCharacters(plain(f.value), 1024) || '-' }));
  const head = card.description === undefined ? [] : [card.quoted ? plain(card.description) : card.description];
  const text = [...head, ...extraLines].join('\n');
  const lines = conversationLines(card.conversation ?? [], DESCRIPTION_CHARS - Array.from(text).length - 1);
  const description = [text, ...lines].filter((l) => l !== '').join('\n');
  return new EmbedBuilder().setTitle(clipCharacters(card.title, 256)).setDescription(description ? clipCharacters(description, DESCRIPTION_CHARS) : null).addFields(fields);
}

/** One line per message, **who** first; the oldest lines go when they do not fit (the latest matter most). */
function conversationLines(conversation: NonNullable<StaffCard['conversation']>, room: number): string[] {
  const lines = conversation.map((line) => `**${line.speaker}**: ${plain(line.text)}`);
  return latestThatFit(lines, room, (line) => Array.from(line).length + 1);
}

/** Drops fields, then whole embeds, from the end until the message's embeds fit Discord's total. */
function withinTotal(embeds: EmbedBuilder[]): EmbedBuilder[] {
  const size = (e: EmbedBuilder) => {
    const d = e.data;
    return Array.from(d.title ?? '').length + Array.from(d.description ?? '').length
      + (d.fields ?? []).reduce((n, f) => n + Array.from(f.name).length + Array.from(f.value).length, 0);
  };
  const total = () => embeds.reduce((n, e) => n + size(e), 0);
  while (total() > EMBEDS_CHARS && embeds.length > 0) {
    const last = embeds.at(-1)!;
    if ((last.data.fields?.length ?? 0) > 0) last.spliceFields(-1, 1);
    else embeds.pop();
  }
  return embeds;
}

/** Discord's limit for a message's text. */
export const CONTENT_CHARS = 2000;

/** Text someone else wrote, shown as typed: no live links, mentions or formatting. */
export function plain(text: string): string {
  return escapeMarkdown(text, { heading: true, bulletedList: true, numberedList: true, maskedLink: true });
}

const BUTTON_STYLE = { primary: ButtonStyle.Primary, secondary: ButtonStyle.Secondary, success: ButtonStyle.Success, danger: ButtonStyle.Danger } as const;

/** A reply as a plain message body, for posting to a channel through REST (the staff feed). */
export function messageBody(reply: StaffReply, language: StaffLanguage = 'ja') {
  const { content, embeds, components } = render(reply, language);
  return { ...(content === undefined ? {} : { content }), embeds: embeds.map((e) => e.toJSON()), components: components.map((c) => c.toJSON()), allowed_mentions: { parse: [] } };
}

/** Discord's limit for all the embeds of one message together. */
const EMBEDS_CHARS = 6000;

/** Discord's limits for a select menu: options, and the characters of a label, description or placeholder. */
const SELECT_OPTIONS = 25;
const OPTION_CHARS = 100;
const PLACEHOLDER_CHARS = 150;

export function render(reply: StaffReply, language: StaffLanguage) {
  const cards = [...(reply.card ? [reply.card] : []), ...(reply.cards ?? [])].slice(0, 10);
  // A pick's lines are shown in the first card (one of its own when there is none), the select below.
  const pickLines = reply.pick ? reply.pick.items.map((item) => [item.label, item.description].filter(Boolean).join(feedText(language, 'list.separator'))) : [];
  if (pickLines.length > 0 && cards.length === 0) cards.push({ title: reply.pick!.placeholder, fields: [] });
  const embeds = withinTotal(cards.map((card, i) => embed(card, i === 0 ? pickLines : [])));
  // Five components a row, five rows a message (Discord's limits): the select takes a row of its own.
  const select = reply.pick ? selectRow(reply.pick) : null;
  const rows: Array<ActionRowBuilder<ButtonBuilder> | ActionRowBuilder<StringSelectMenuBuilder>> = select ? [select] : [];
  const buttons = (reply.buttons ?? []).slice(0, (5 - rows.length) * 5);
  for (let i = 0; i < buttons.length; i += 5) {
    rows.push(new ActionRowBuilder<ButtonBuilder>().addComponents(buttons.slice(i, i + 5)
      .map((b) => new ButtonBuilder().setCustomId(b.id).setLabel(b.label).setStyle(BUTTON_STYLE[b.style]))));
  }
  const files = reply.file ? [new AttachmentBuilder(typeof reply.file.content === 'string' ? Buffer.from(reply.file.content, 'utf8') : reply.file.content, { name: reply.file.name })] : [];
  return { ...(reply.text === undefined ? {} : { content: clipCharacters(reply.text, CONTENT_CHARS) }), embeds, components: rows, files };
}

/** The items that can be picked, as a select menu; null when none can. */
function selectRow(pick: StaffPick): ActionRowBuilder<StringSelectMenuBuilder> | null {
  const options = pick.items.filter((item) => item.value).slice(0, SELECT_OPTIONS).map((item) => ({
    label: clipCharacters(item.label, OPTION_CHARS), value: item.value!,
    ...(item.description ? { description: clipCharacters(item.description, OPTION_CHARS) } : {}),
  }));
  if (options.length === 0) return null;
  return new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(
    new StringSelectMenuBuilder().setCustomId(pick.id).setPlaceholder(clipCharacters(pick.placeholder, PLACEHOLDER_CHARS)).addOptions(options));
}
