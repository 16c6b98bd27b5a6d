/**
 * Flow messages → Discord messages: the second renderer of the same flows (issue 3,
 * "Flows run in Discord too"). Choices become buttons, a date question a button that
 * opens a form, the confirmation card an embed with a select of the answers to change.
 * Limits from Discord's API: 2,000 characters of content, 5 buttons a row and 5 rows,
 * 80-character labels, 100-character custom ids, 25 embed fields of 1,024 characters,
 * 25 select options.
 */
import { translate, translateText, type FlowMessage, type Language } from '../../flows/index.ts';
import { clipCharacters } from '../../core/clip-text.ts';

type Facts = Record<string, string>;

export interface DiscordMessageBody {
  content?: string;
  embeds?: Array<{ title: string; description?: string; fields?: Array<{ name: string; value: string }>; footer?: { text: string } }>;
  components?: Array<{ type: 1; components: unknown[] }>;
  allowed_mentions: { parse: [] };
}

/** Ids of what a participant clicks; parsed back by `flowInputFromComponent`. */
export const FLOW_IDS = {
  choice: (value: string) => `ouen:flow:c:${value}`,
  date: 'ouen:flow:date',
  dateForm: 'ouen:flow:date-form',
  change: 'ouen:flow:change',
} as const;

export function renderDiscordMessages(messages: FlowMessage[], language: Language, facts: Facts = {}): DiscordMessageBody[] {
  return messages.map((m) => (m.type === 'summary' ? summaryMessage(m, language, facts) : textMessage(m, language, facts)));
}

function textMessage(message: Extract<FlowMessage, { type: 'text' }>, language: Language, facts: Facts): DiscordMessageBody {
  const buttons = [
    ...(message.datePicker ? [button(FLOW_IDS.date, translate(language, 'picker.date'), 1)] : []),
    ...(message.choices ?? []).map((c) => button(FLOW_IDS.choice(c.value), translateText(c.label, language), 2)),
  ];
  return { content: clipCharacters(translateText(message.text, language, facts), 2000), ...rows(buttons), allowed_mentions: { parse: [] } };
}

function summaryMessage(message: Extract<FlowMessage, { type: 'summary' }>, language: Language, facts: Facts): DiscordMessageBody {
  const rowsWithChange = message.rows.filter((r) => r.change);
  const fields = message.rows.slice(0, 25).map((row) => ({
    name: clipCharacters(translateText(row.label, language, facts), 256),
    value: clipCharacters(translateText(row.value, language, facts), 1024) || '-',
  }));
  const select = rowsWithChange.length === 0 ? [] : [{
    type: 1 as const,
    components: [{
      type: 3, custom_id: FLOW_IDS.change, placeholder: clipCharacters(translate(language, 'confirm.change'), 150),
      options: rowsWithChange.slice(0, 25).map((row) => ({ label: clipCharacters(translateText(row.label, language, facts), 100), value: row.change! })),
    }],
  }];
  const actions = rows(message.actions.map((a) => button(FLOW_IDS.choice(a.value), translateText(a.label, language), 1)), 4).components ?? [];
  return {
    embeds: [{
      title: clipCharacters(translateText(message.title, language, facts), 256), fields,
      ...(message.image ? { image: { url: message.image.url } } : {}),
      ...(message.footer ? { footer: { text: clipCharacters(translateText(message.footer, language, facts), 2048) } } : {}),
    }],
    components: [...select, ...actions],
    allowed_mentions: { parse: [] },
  };
}

function button(customId: string, label: string, style: 1 | 2) {
  return { type: 2, style, custom_id: customId.slice(0, 100), label: clipCharacters(label, 80) };
}

function rows(buttons: unknown[], maxRows = 5): { components?: Array<{ type: 1; components: unknown[] }> } {
  if (buttons.length === 0) return {};
  const out: Array<{ type: 1; components: unknown[] }> = [];
  for (let i = 0; i < buttons.length && out.length < maxRows; i += 5) out.push({ type: 1, components: buttons.slice(i, i + 5) });
  return { components: out };
}

