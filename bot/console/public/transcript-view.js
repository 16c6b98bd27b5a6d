// A user's transcript → chat rows: the simulated user on the right, the bot on the left,
// follow/block and picker choices as small notes in between.
import { bilingual, formatBytes, formatTime, h, linkified } from './dom.js';
import { renderBotMessage } from './render-message.js';

/**
 * @param entries  transcript entries, oldest first
 * @param handlers { onAction(action), onUnsend(messageId) }
 */
export function renderTranscript(entries, handlers) {
  const unsent = new Set(entries.filter((e) => e.from === 'user' && e.kind === 'unsend').map((e) => e.messageId));
  const rows = [];
  let previous = null;
  for (const entry of entries) {
    const row = renderEntry(entry, { ...handlers, unsent, firstOfRun: !(previous?.from === 'bot' && entry.from === 'bot') });
    if (row) rows.push(row);
    previous = entry;
  }
  return rows;
}

/** The quick reply items LINE would show now: only the very last message's, and only if the bot sent it. */
export function currentQuickReplies(entries) {
  const last = entries.at(-1);
  if (!last || last.from !== 'bot') return [];
  return last.message?.quickReply?.items ?? [];
}

function renderEntry(entry, context) {
  if (entry.from === 'bot') return botRow(entry, context);
  switch (entry.kind) {
    case 'follow':
      return note(entry.isUnblocked ? bilingual('ブロックを解除しました', 'Unblocked') : bilingual('友だち追加しました', 'Added the account as a friend'));
    case 'unfollow':
      return note(bilingual('ブロックしました', 'Blocked the account'));
    case 'unsend':
      return note(bilingual('メッセージの送信を取り消しました', 'You unsent a message'));
    case 'text':
      if (context.unsent.has(entry.messageId)) return null;
      return userRow(entry, h('div', { class: 'bubble user-bubble text', dataset: { testid: 'user-text' } }, linkified(entry.text)), context);
    case 'file':
      if (context.unsent.has(entry.messageId)) return null;
      return userRow(entry, fileCard(entry), context);
    case 'postback':
      if (entry.displayText) return userRow(entry, h('div', { class: 'bubble user-bubble text', dataset: { testid: 'user-text' } }, entry.displayText), context);
      return userRow(entry, h('div', { class: 'pick-note', dataset: { testid: 'user-pick' } }, pickLabel(entry)), context);
    default:
      return null;
  }
}

function botRow(entry, context) {
  const { element, wide } = renderBotMessage(entry.message, context.onAction);
  return h('div', { class: `row bot${context.firstOfRun ? ' first' : ''}${wide ? ' wide' : ''}`, dataset: { testid: 'bot-message', seq: entry.seq } },
    h('div', { class: 'avatar bot-avatar', 'aria-hidden': 'true' }, context.firstOfRun ? '応' : ''),
    h('div', { class: 'stack' },
      context.firstOfRun ? h('div', { class: 'sender' }, 'ouen') : null,
      h('div', { class: 'line' }, element, h('time', { class: 'time' }, formatTime(entry.at)))));
}

function userRow(entry, content, context) {
  const unsendable = entry.kind === 'text' || entry.kind === 'file';
  return h('div', { class: 'row user', dataset: { testid: 'user-message', seq: entry.seq } },
    h('div', { class: 'line' },
      h('div', { class: 'meta' },
        unsendable ? h('button', {
          type: 'button',
          class: 'unsend',
          title: '送信取消 / Unsend',
          dataset: { testid: 'unsend-button', messageId: entry.messageId },
          onclick: () => context.onUnsend(entry.messageId),
        }, '送信取消') : null,
        h('span', { class: 'read' }, '既読'),
        h('time', { class: 'time' }, formatTime(entry.at))),
      content));
}

function fileCard(entry) {
  return h('a', {
    class: 'file-card',
    href: `/console/api/files/${entry.messageId}`,
    target: '_blank',
    rel: 'noopener',
    dataset: { testid: 'user-file' },
  },
  h('span', { class: 'file-icon', 'aria-hidden': 'true' }, /\.pdf$/i.test(entry.fileName) ? 'PDF' : 'FILE'),
  h('span', { class: 'file-text' }, h('span', { class: 'file-name' }, entry.fileName), h('span', { class: 'file-size' }, formatBytes(entry.fileSize))));
}

function pickLabel(entry) {
  const params = entry.params ?? {};
  if (params.date) return `📅 ${formatDate(params.date)}`;
  if (params.datetime) return `📅 ${params.datetime.replace('T', ' ')}`;
  if (params.time) return `🕒 ${params.time}`;
  return `▶ ${entry.data}`;
}

function formatDate(iso) {
  const [year, month, day] = iso.split('-').map(Number);
  return `${year}年${month}月${day}日`;
}

function note(content) {
  return h('div', { class: 'row note', dataset: { testid: 'system-note' } }, h('span', {}, content));
}
