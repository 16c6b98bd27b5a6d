/**
 * Flow messages → LINE message objects: quick replies for choices, a date picker for
 * dates, a flex card for the confirmation. Limits from the Messaging API reference:
 * 5 messages per request, 13 quick-reply items, 20-character action labels, 300-character
 * postback data, 5,000 characters of text, 400 characters of flex altText.
 */
import type { messagingApi } from '@line/bot-sdk';
import { translate, translateText, type FlowMessage, type Language } from '../../flows/index.ts';
import { choiceData, DATE_PICKER_DATA } from './postback-data.ts';

type LineMessage = messagingApi.Message;
type QuickReplyItem = messagingApi.QuickReplyItem;
type Facts = Record<string, string>;

const MAX_MESSAGES = 5;
const MAX_QUICK_REPLIES = 13;

export function renderLineMessages(messages: FlowMessage[], language: Language, facts: Facts = {}): LineMessage[] {
  const rendered = messages.map((m) => (m.type === 'summary' ? summaryFlex(m, language, facts) : textMessage(m, language, facts)));
  return fitIntoOneRequest(rendered);
}

function textMessage(message: Extract<FlowMessage, { type: 'text' }>, language: Language, facts: Facts): LineMessage {
  const text: messagingApi.TextMessage = { type: 'text', text: clip(translateText(message.text, language, facts), 5000) };
  const items: QuickReplyItem[] = (message.choices ?? []).map((c) => postbackItem(translateText(c.label, language), c.value));
  if (message.datePicker) {
    items.unshift({
      type: 'action',
      action: {
        type: 'datetimepicker', label: translate(language, 'picker.date'), data: DATE_PICKER_DATA, mode: 'date',
        ...(message.datePicker.initial ? { initial: message.datePicker.initial } : {}),
        ...(message.datePicker.max ? { max: message.datePicker.max } : {}),
        ...(message.datePicker.min ? { min: message.datePicker.min } : {}),
      } as messagingApi.DatetimePickerAction,
    });
  }
  if (items.length > 0) text.quickReply = { items: items.slice(0, MAX_QUICK_REPLIES) };
  return text;
}

function postbackItem(label: string, value: string): QuickReplyItem {
  return { type: 'action', action: { type: 'postback', label: clip(label, 20), data: choiceData(value), displayText: clip(label, 300) } as messagingApi.PostbackAction };
}

function summaryFlex(message: Extract<FlowMessage, { type: 'summary' }>, language: Language, facts: Facts): LineMessage {
  const title = translateText(message.title, language, facts);
  const change = translate(language, 'confirm.change');
  const rows: messagingApi.FlexComponent[] = message.rows.map((row) => {
    const label = translateText(row.label, language, facts);
    const valueLine: messagingApi.FlexComponent[] = [
      { type: 'text', text: clip(translateText(row.value, language, facts), 120) || '-', wrap: true, size: 'sm', flex: 5 } as messagingApi.FlexText,
    ];
    if (row.change) {
      valueLine.push({
        type: 'button', style: 'link', height: 'sm', flex: 2,
        action: { type: 'postback', label: clip(change, 20), data: choiceData(row.change), displayText: clip(`${change}: ${label}`, 300) },
      } as messagingApi.FlexButton);
    }
    return {
      type: 'box', layout: 'vertical', spacing: 'xs', contents: [
        { type: 'text', text: clip(label, 60), size: 'xs', color: '#888888' } as messagingApi.FlexText,
        { type: 'box', layout: 'horizontal', alignItems: 'center', contents: valueLine } as messagingApi.FlexBox,
      ],
    } as messagingApi.FlexBox;
  });
  const footer: messagingApi.FlexComponent[] = [];
  if (message.footer) footer.push({ type: 'text', text: clip(translateText(message.footer, language, facts), 300), wrap: true, size: 'xs', color: '#666666' } as messagingApi.FlexText);
  message.actions.forEach((action, index) => footer.push({
    type: 'button', style: index === 0 ? 'primary' : 'secondary', color: index === 0 ? '#06C755' : undefined,
    action: { type: 'postback', label: clip(translateText(action.label, language), 20), data: choiceData(action.value), displayText: clip(translateText(action.label, language), 300) },
  } as messagingApi.FlexButton));
  const bubble: messagingApi.FlexBubble = {
    type: 'bubble',
    size: 'giga',
    header: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: clip(title, 100), weight: 'bold', size: 'lg', wrap: true } as messagingApi.FlexText] },
    // A ticket's QR code: square, whole, large enough to scan from a phone held up at reception.
    ...(message.image ? { hero: { type: 'image', url: message.image.url, size: 'full', aspectRatio: '1:1', aspectMode: 'fit' } as messagingApi.FlexImage } : {}),
    body: { type: 'box', layout: 'vertical', spacing: 'md', contents: rows },
    footer: { type: 'box', layout: 'vertical', spacing: 'sm', contents: footer },
  };
  return {
    type: 'flex',
    altText: clip(title, 400),
    contents: bubble,
    quickReply: { items: message.actions.slice(0, MAX_QUICK_REPLIES).map((a) => postbackItem(translateText(a.label, language), a.value)) },
  } as messagingApi.FlexMessage;
}

/**
 * A reply takes at most five messages. Plain texts before the last message are merged;
 * the last message keeps its quick replies, because LINE only shows the last one's.
 */
function fitIntoOneRequest(messages: LineMessage[]): LineMessage[] {
  if (messages.length <= MAX_MESSAGES) return messages;
  const last = messages[messages.length - 1]!;
  const leading = messages.slice(0, -1);
  const texts = leading.filter((m): m is messagingApi.TextMessage => m.type === 'text' && !m.quickReply);
  const others = leading.filter((m) => !texts.includes(m as messagingApi.TextMessage));
  const merged: LineMessage = { type: 'text', text: clip(texts.map((m) => m.text).join('\n\n'), 5000) };
  return [merged, ...others, last].slice(-MAX_MESSAGES);
}

/** Clips to a length in UTF-16 units (LINE's measure) without splitting a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}
