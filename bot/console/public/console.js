// The console page: a list of simulated LINE users on the left, the chat with the bot
// on the right. Polls the transcript every 500 ms; every tap or message goes to
// /console/api, which turns it into the webhook LINE would send.
import { api, readAsBase64 } from './api.js';
import { createDatePicker } from './date-picker.js';
import { bilingual, h } from './dom.js';
import { currentQuickReplies, renderTranscript } from './transcript-view.js';

const POLL_MS = 500;
const USERS_EVERY = 4; // refresh the user list every 4th poll (2 s)
const MAX_FILE_BYTES = 11 * 1024 * 1024;
const SUGGESTED_NAMES = ['千葉 花子', '船橋 太郎', '柏 さくら', '市川 健', '松戸 陽菜', '成田 翔'];

const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);

const state = {
  users: [],
  userId: null,
  entries: [],
  cursor: 0,
  loading: false,
  blocked: false,
  busy: false,
  seen: JSON.parse(sessionStorage.getItem('ouen.seen') ?? '{}'),
  ticks: 0,
  offline: false,
};

const datePicker = createDatePicker((action, params) => void send(() => api.sendPostback(state.userId, { data: action.data ?? '', params })));

// ── users ────────────────────────────────────────────────────────────────────

async function refreshUsers() {
  const { users } = await api.users();
  state.users = users;
  renderUsers();
}

function renderUsers() {
  const list = $('user-list');
  list.replaceChildren(...state.users.map((user) => {
    const last = user.lastEntry;
    const unread = last && last.from === 'bot' && user.userId !== state.userId && last.seq > (state.seen[user.userId] ?? 0);
    return h('li', {},
      h('button', {
        type: 'button',
        class: `user-item${user.userId === state.userId ? ' selected' : ''}`,
        dataset: { testid: 'user-item', userId: user.userId, name: user.displayName },
        onclick: () => selectUser(user.userId),
      },
      avatar(user.displayName),
      h('span', { class: 'user-text' },
        h('span', { class: 'user-name' }, user.displayName,
          h('span', { class: 'lang' }, user.language === 'ja' ? '日本語' : 'EN'),
          user.blocked ? h('span', { class: 'badge blocked' }, 'ブロック中') : null),
        h('span', { class: 'preview' }, preview(last))),
      unread ? h('span', { class: 'unread', 'aria-label': 'new' }) : null));
  }));
  $('user-count').textContent = String(state.users.length);
}

function avatar(name) {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.codePointAt(0)) % 360;
  return h('span', { class: 'avatar user-avatar', style: { backgroundColor: `hsl(${hash} 55% 55%)` }, 'aria-hidden': 'true' }, [...name][0] ?? '?');
}

function preview(entry) {
  if (!entry) return '';
  if (entry.from === 'bot') {
    const message = entry.message ?? {};
    return message.type === 'text' ? message.text : message.altText ?? `[${message.type}]`;
  }
  return { text: entry.text, file: `📄 ${entry.fileName}`, postback: entry.displayText ?? '📅', follow: '友だち追加', unfollow: 'ブロック', unsend: '送信取消' }[entry.kind] ?? '';
}

async function addUser(event) {
  event.preventDefault();
  const nameInput = $('add-user-name');
  const displayName = nameInput.value.trim() || nameInput.placeholder;
  const language = $('add-user-language').value;
  await guarded(async () => {
    const { user, webhookStatus } = await api.addUser(displayName, language);
    warnUnlessDelivered(webhookStatus);
    nameInput.value = SUGGESTED_NAMES[(state.users.length + 1) % SUGGESTED_NAMES.length];
    await refreshUsers();
    await selectUser(user.userId);
  });
}

async function selectUser(userId) {
  if (state.userId === userId) return;
  state.userId = userId;
  state.entries = [];
  state.cursor = 0;
  state.loading = false;
  history.replaceState(null, '', `#${userId}`);
  renderUsers();
  renderChatFrame();
  renderMessages();
  await poll();
  scrollToBottom(true);
  $('message-input').focus();
}

// ── transcript ───────────────────────────────────────────────────────────────

let polling = Promise.resolve();

/** One poll at a time: the timer, a send and a user switch may all ask at once. */
function poll() {
  const next = polling.then(pollOnce);
  polling = next.catch(() => undefined);
  return next;
}

async function pollOnce() {
  const userId = state.userId;
  if (!userId) return;
  const result = await api.transcript(userId, state.cursor);
  if (userId !== state.userId) return;
  state.cursor = Math.max(state.cursor, result.lastSeq);
  const lastSeen = state.entries.at(-1)?.seq ?? 0;
  const fresh = result.entries.filter((entry) => entry.seq > lastSeen);
  const changed = fresh.length > 0 || result.loading !== state.loading || result.blocked !== state.blocked;
  state.loading = result.loading;
  state.blocked = result.blocked;
  renderRichMenu(result.richMenu);
  if (fresh.length > 0) {
    state.entries.push(...fresh);
    const user = state.users.find((u) => u.userId === userId);
    if (user) {
      user.lastEntry = fresh.at(-1);
      renderUsers();
    }
    state.seen[userId] = state.entries.at(-1).seq;
    sessionStorage.setItem('ouen.seen', JSON.stringify(state.seen));
  }
  if (changed) {
    const nearBottom = isNearBottom();
    if (fresh.length > 0) renderMessages();
    renderLoading();
    renderBlocked();
    scrollToBottom(nearBottom || fresh.some((e) => e.from === 'user'));
  }
}

function renderMessages() {
  const rows = renderTranscript(state.entries, { onAction: performAction, onUnsend: unsend });
  $('messages').replaceChildren(...rows, loadingRow());
  renderQuickReplies();
  renderLoading();
}

function loadingRow() {
  return h('div', { class: 'row bot first loading-row', dataset: { testid: 'loading-indicator' }, hidden: true },
    h('div', { class: 'avatar bot-avatar', 'aria-hidden': 'true' }, '応'),
    h('div', { class: 'stack' }, h('div', { class: 'bubble bot-bubble dots', 'aria-label': '入力中 / typing' }, h('i'), h('i'), h('i'))));
}

function renderLoading() {
  const row = $('loading-indicator');
  if (row) row.hidden = !state.loading;
}

function renderQuickReplies(hide = false) {
  const items = hide || state.blocked ? [] : currentQuickReplies(state.entries);
  const bar = $('quick-replies');
  bar.hidden = items.length === 0;
  bar.replaceChildren(...items.map((item) => {
    const action = item.action ?? {};
    const icon = action.type === 'datetimepicker' ? '📅 ' : action.type === 'uri' ? '🔗 ' : '';
    return h('button', {
      type: 'button',
      class: `chip chip-${action.type}`,
      dataset: { testid: 'quick-reply', label: action.label ?? '', actionType: action.type ?? '' },
      onclick: () => performAction(action),
    }, icon, action.label ?? '');
  }));
}

/**
 * The rich menu under the chat, as the LINE app shows it: the menu's image with a button
 * over each tap area; a tap does what the area's action says. Redrawn only when it changes.
 */
function renderRichMenu(menu) {
  const box = $('rich-menu');
  const key = menu ? menu.richMenuId : '';
  if (box.dataset.menu === key) return;
  box.dataset.menu = key;
  box.hidden = !menu;
  if (!menu) return;
  $('rich-menu-bar').textContent = menu.chatBarText;
  const { width, height } = menu.size;
  const percent = (value, total) => `${(100 * value / total).toFixed(3)}%`;
  const areas = menu.areas.map((area) => h('button', {
    type: 'button',
    class: 'rich-menu-area',
    title: area.action.label ?? area.action.text ?? '',
    dataset: { testid: 'rich-menu-area', text: area.action.text ?? '' },
    style: {
      left: percent(area.bounds.x, width), top: percent(area.bounds.y, height),
      width: percent(area.bounds.width, width), height: percent(area.bounds.height, height),
    },
    onclick: () => performAction(area.action),
  }));
  $('rich-menu-board').replaceChildren(
    h('img', { src: `/console/api/rich-menus/${encodeURIComponent(menu.richMenuId)}/image`, alt: menu.areas.map((a) => a.action.label ?? '').join(' / '), dataset: { testid: 'rich-menu-image' } }),
    ...areas,
  );
}

function renderChatFrame() {
  const user = state.users.find((u) => u.userId === state.userId);
  document.body.classList.toggle('has-user', Boolean(user));
  if (!user) return;
  $('chat-user').replaceChildren(...bilingual(`${user.displayName} さんとして操作中`, `acting as ${user.displayName} · ${user.userId.slice(0, 9)}…`));
  state.blocked = user.blocked;
  renderBlocked();
}

function renderBlocked() {
  const toggle = $('block-toggle');
  toggle.replaceChildren(...(state.blocked ? bilingual('ブロック解除', 'Unblock') : bilingual('ブロック', 'Block')));
  toggle.classList.toggle('active', state.blocked);
  $('blocked-banner').hidden = !state.blocked;
  for (const control of [$('message-input'), $('send-button'), $('attach-button')]) control.disabled = state.blocked;
  if (state.blocked) renderQuickReplies(true);
}

function isNearBottom() {
  const box = $('messages');
  return box.scrollHeight - box.scrollTop - box.clientHeight < 120;
}

function scrollToBottom(really) {
  if (!really) return;
  const box = $('messages');
  box.scrollTop = box.scrollHeight;
}

// ── what the person does ─────────────────────────────────────────────────────

/** A tap on a quick reply, flex button or template action, as LINE's app would handle it. */
function performAction(action) {
  switch (action?.type) {
    case 'postback':
      return send(() => api.sendPostback(state.userId, { data: action.data ?? '', displayText: action.displayText ?? action.text }));
    case 'message':
      return send(() => api.sendText(state.userId, action.text));
    case 'datetimepicker':
      return datePicker.open(action);
    case 'uri':
      window.open(action.uri, '_blank', 'noopener,noreferrer');
      return undefined;
    default:
      return toast(`この操作はコンソールでは使えません / not supported here: ${action?.type}`);
  }
}

async function send(call) {
  if (!state.userId) return;
  if (state.blocked) return toast('ブロック中は送信できません / unblock first');
  renderQuickReplies(true);
  await guarded(async () => {
    const result = await call();
    warnUnlessDelivered(result.webhookStatus);
  });
  await poll().catch(() => undefined);
}

async function sendTyped(event) {
  event?.preventDefault();
  const input = $('message-input');
  const text = input.value;
  if (!text.trim()) return;
  input.value = '';
  autoGrow();
  updateSendButton();
  await send(() => api.sendText(state.userId, text));
  input.focus();
}

async function sendFile() {
  const input = $('file-input');
  const file = input.files?.[0];
  input.value = '';
  if (!file) return;
  if (file.size > MAX_FILE_BYTES) return toast('ファイルが大きすぎます（11MBまで）/ file too large');
  const base64 = await readAsBase64(file);
  await send(() => api.sendFile(state.userId, { fileName: file.name, contentType: file.type || undefined, base64 }));
}

async function unsend(messageId) {
  await send(() => api.unsend(state.userId, messageId));
}

async function toggleBlocked() {
  if (!state.userId) return;
  await guarded(async () => {
    const result = await api.setBlocked(state.userId, !state.blocked);
    if (result.webhookStatus !== undefined) warnUnlessDelivered(result.webhookStatus);
    await poll();
    await refreshUsers();
  });
}

// ── small things ─────────────────────────────────────────────────────────────

function warnUnlessDelivered(status) {
  if (status === 200) return;
  toast(status === 0 ? 'ボットに接続できません / the bot did not answer the webhook' : `ボットのWebhookが ${status} を返しました / webhook answered ${status}`);
}

async function guarded(run) {
  try {
    await run();
  } catch (error) {
    toast(error.message);
  }
}

let toastTimer;
function toast(text) {
  const element = $('toast');
  element.textContent = text;
  element.classList.add('visible');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => element.classList.remove('visible'), 5000);
}

function autoGrow() {
  const input = $('message-input');
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
}

function updateSendButton() {
  $('send-button').classList.toggle('ready', $('message-input').value.trim() !== '');
}

function setOffline(offline) {
  if (state.offline === offline) return;
  state.offline = offline;
  $('offline-banner').hidden = !offline;
}

async function tick() {
  if (state.busy) return;
  state.busy = true;
  try {
    if (state.ticks++ % USERS_EVERY === 0) await refreshUsers();
    await poll();
    setOffline(false);
  } catch {
    setOffline(true);
  } finally {
    state.busy = false;
  }
}

function wire() {
  $('add-user-form').addEventListener('submit', addUser);
  $('add-user-name').value = SUGGESTED_NAMES[0];
  $('composer').addEventListener('submit', sendTyped);
  const input = $('message-input');
  input.addEventListener('input', () => { autoGrow(); updateSendButton(); });
  input.addEventListener('keydown', (event) => {
    // Enter also confirms a Japanese IME conversion: only send when no composition is open.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) void sendTyped(event);
  });
  $('attach-button').addEventListener('click', () => $('file-input').click());
  $('file-input').addEventListener('change', () => void sendFile());
  $('block-toggle').addEventListener('click', () => void toggleBlocked());
  $('unblock-button').addEventListener('click', () => void toggleBlocked());
}

async function start() {
  wire();
  await refreshUsers().catch(() => setOffline(true));
  const fromHash = location.hash.slice(1);
  const initial = state.users.find((u) => u.userId === fromHash) ?? state.users.at(-1);
  if (initial) await selectUser(initial.userId).catch(() => undefined);
  else renderChatFrame();
  setInterval(() => void tick(), POLL_MS);
}

void start();
