// One message object the bot sent (Messaging API "Message objects") → the content of a
// left-side bubble. Unknown types show as a labelled placeholder, never as raw JSON alone.
import { h, linkified } from './dom.js';
import { renderFlexContainer } from './render-flex.js';

const PLACEHOLDERS = {
  image: '🖼 画像 (image)',
  video: '🎬 動画 (video)',
  audio: '🎵 音声 (audio)',
  location: '📍 位置情報 (location)',
  sticker: '😊 スタンプ (sticker)',
  imagemap: '🗺 イメージマップ (imagemap)',
  coupon: '🎟 クーポン (coupon)',
};

/** Returns { element, wide } — wide content (flex, templates) is drawn without the speech bubble. */
export function renderBotMessage(message, onAction) {
  switch (message?.type) {
    case 'text':
    case 'textV2':
      return { element: h('div', { class: 'bubble bot-bubble text', dataset: { testid: 'bot-text' } }, linkified(message.text ?? '')), wide: false };
    case 'flex':
      return { element: h('div', { class: 'flex-message', title: message.altText ?? '' }, renderFlexContainer(message.contents, onAction)), wide: true };
    case 'template':
      return { element: renderTemplate(message.template ?? {}, onAction), wide: true };
    default:
      return { element: h('div', { class: 'bubble bot-bubble placeholder' }, PLACEHOLDERS[message?.type] ?? `[${message?.type ?? 'unknown'}]`), wide: false };
  }
}

/** Buttons and confirm templates, drawn like LINE's cards; carousels as a row of them. */
function renderTemplate(template, onAction) {
  if (template.type === 'carousel') {
    return h('div', { class: 'flex-carousel' }, (template.columns ?? []).map((column) => templateCard(column, onAction, false)));
  }
  return templateCard(template, onAction, template.type === 'confirm');
}

function templateCard(card, onAction, sideBySide) {
  return h('div', { class: 'template-card' },
    card.title ? h('div', { class: 'template-title' }, card.title) : null,
    h('div', { class: 'template-text' }, card.text ?? ''),
    h('div', { class: `template-actions${sideBySide ? ' side-by-side' : ''}` },
      (card.actions ?? []).map((action) => h('button', {
        type: 'button',
        class: 'template-action',
        dataset: { testid: 'template-action', label: action.label ?? '' },
        onclick: () => onAction(action),
      }, action.label ?? ''))));
}
