// Tiny DOM helpers. Text always goes in through textContent, never innerHTML: bot
// messages are untrusted input as far as this page is concerned.

/**
 * h('button', { class: 'chip', dataset: { testid: 'x' }, onclick: fn }, 'label')
 * Attributes starting with "on" become listeners; `dataset` and `style` are objects.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name === 'style') Object.assign(element.style, value);
    else if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** A Japanese label with its English gloss in small type. */
export function bilingual(ja, en) {
  return [ja, ' ', h('span', { class: 'en' }, en)];
}

const URL_PATTERN = /https?:\/\/[^\s<>"'）」』]+/g;

/** Text with newlines kept (via CSS) and http(s) links made clickable. */
export function linkified(text) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    nodes.push(text.slice(last, match.index));
    nodes.push(h('a', { href: match[0], target: '_blank', rel: 'noopener noreferrer' }, match[0]));
    last = match.index + match[0].length;
  }
  nodes.push(text.slice(last));
  return nodes;
}

export function formatTime(iso) {
  const date = new Date(iso);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
