// Flex Message containers → DOM, close enough to LINE's look to judge a layout:
// bubbles (header/hero/body/footer), carousels, boxes, texts, buttons, separators,
// fillers and spacers. Images stay placeholders: the console loads nothing from outside.
import { h } from './dom.js';

const SPACING = { none: '0px', xs: '2px', sm: '4px', md: '8px', lg: '12px', xl: '16px', xxl: '20px' };
const TEXT_SIZE = { xxs: '11px', xs: '12px', sm: '13px', md: '15px', lg: '17px', xl: '20px', xxl: '26px', '3xl': '32px', '4xl': '40px', '5xl': '56px' };
const BUBBLE_WIDTH = { nano: '120px', micro: '160px', deca: '220px', hecto: '241px', kilo: '260px', mega: '300px', giga: '500px' };
const SECTION_PADDING = { header: '16px 18px 10px', hero: '0', body: '14px 18px', footer: '10px 14px 14px' };

/** Renders `message.contents` of a flex message; `onAction(action)` handles taps. */
export function renderFlexContainer(container, onAction) {
  if (container?.type === 'carousel') {
    return h('div', { class: 'flex-carousel' }, (container.contents ?? []).map((bubble) => renderBubble(bubble, onAction)));
  }
  return renderBubble(container, onAction);
}

function renderBubble(bubble, onAction) {
  const element = h('div', { class: 'flex-bubble', dataset: { testid: 'flex-bubble' } });
  element.style.width = BUBBLE_WIDTH[bubble?.size ?? 'mega'] ?? BUBBLE_WIDTH.mega;
  for (const section of ['header', 'hero', 'body', 'footer']) {
    const block = bubble?.[section];
    if (!block) continue;
    const style = bubble.styles?.[section] ?? {};
    const wrapper = h('div', { class: `flex-section flex-${section}` }, renderComponent(block, onAction, 'vertical'));
    wrapper.style.padding = block.paddingAll !== undefined ? size(block.paddingAll) : SECTION_PADDING[section];
    if (style.backgroundColor) wrapper.style.backgroundColor = style.backgroundColor;
    if (style.separator && section !== 'header') wrapper.style.borderTop = `1px solid ${style.separatorColor ?? '#e6e6e6'}`;
    element.append(wrapper);
  }
  if (bubble?.action) makeTappable(element, bubble.action, onAction);
  return element;
}

function renderComponent(component, onAction, parentLayout) {
  const render = RENDERERS[component?.type] ?? unknownComponent;
  const element = render(component, onAction);
  applyFlex(element, component, parentLayout);
  if (component.margin && component.type !== 'spacer') {
    const margin = SPACING[component.margin] ?? size(component.margin);
    if (parentLayout === 'vertical') element.style.marginTop = margin;
    else element.style.marginLeft = margin;
  }
  if (component.position === 'absolute') {
    Object.assign(element.style, { position: 'absolute', top: component.offsetTop, left: component.offsetStart, right: component.offsetEnd, bottom: component.offsetBottom });
  }
  return element;
}

const RENDERERS = {
  box: renderBox,
  text: renderText,
  button: renderButton,
  separator: (separator) => h('div', { class: 'flex-separator', style: { backgroundColor: separator.color ?? '#e6e6e6' } }),
  filler: () => h('div', { class: 'flex-filler' }),
  spacer: (spacer) => h('div', { class: 'flex-spacer', style: { height: SPACING[spacer.size ?? 'md'] ?? size(spacer.size) } }),
  // Images this server serves (a ticket's QR code) are shown; others stay a placeholder (the page loads nothing from elsewhere).
  image: (image) => (sameOrigin(image.url)
    ? h('img', { class: 'flex-image-shown', src: image.url, alt: image.altText ?? '' })
    : h('div', { class: 'flex-image', title: image.url }, '🖼 画像')),
  video: () => h('div', { class: 'flex-image' }, '🎬 動画'),
  icon: () => h('span', { class: 'flex-icon' }, '●'),
  span: (span) => h('span', {}, span.text ?? ''),
};

function renderBox(box, onAction) {
  const layout = box.layout ?? 'vertical';
  const element = h('div', { class: `flex-box flex-${layout}` },
    (box.contents ?? []).map((child) => renderComponent(child, onAction, layout)));
  const style = element.style;
  if (box.spacing) style.gap = SPACING[box.spacing] ?? size(box.spacing);
  if (box.backgroundColor) style.backgroundColor = box.backgroundColor;
  if (box.borderColor) style.borderColor = box.borderColor;
  if (box.borderWidth) style.border = `${borderWidth(box.borderWidth)} solid ${box.borderColor ?? '#000'}`;
  if (box.cornerRadius) style.borderRadius = SPACING[box.cornerRadius] ?? size(box.cornerRadius);
  for (const [property, css] of [['paddingAll', 'padding'], ['paddingTop', 'paddingTop'], ['paddingBottom', 'paddingBottom'], ['paddingStart', 'paddingLeft'], ['paddingEnd', 'paddingRight']]) {
    if (box[property] !== undefined) style[css] = SPACING[box[property]] ?? size(box[property]);
  }
  if (box.justifyContent) style.justifyContent = box.justifyContent;
  if (box.alignItems) style.alignItems = box.alignItems === 'start' ? 'flex-start' : box.alignItems === 'end' ? 'flex-end' : box.alignItems;
  if (box.width) style.width = box.width;
  if (box.height) style.height = box.height;
  if (box.action) makeTappable(element, box.action, onAction);
  return element;
}

function renderText(text, onAction) {
  const content = Array.isArray(text.contents) && text.contents.length > 0
    ? text.contents.map((span) => styledSpan(span))
    : (text.text ?? '');
  const element = h('div', { class: `flex-text${text.wrap ? ' wrap' : ''}` }, content);
  const style = element.style;
  style.fontSize = TEXT_SIZE[text.size ?? 'md'] ?? size(text.size);
  if (text.weight === 'bold') style.fontWeight = '700';
  if (text.color) style.color = text.color;
  if (text.align) style.textAlign = text.align === 'start' ? 'left' : text.align === 'end' ? 'right' : 'center';
  if (text.gravity) style.alignSelf = text.gravity === 'top' ? 'flex-start' : text.gravity === 'bottom' ? 'flex-end' : 'center';
  if (text.style === 'italic') style.fontStyle = 'italic';
  if (text.decoration && text.decoration !== 'none') style.textDecoration = text.decoration;
  if (text.maxLines) Object.assign(style, { display: '-webkit-box', webkitLineClamp: String(text.maxLines), webkitBoxOrient: 'vertical', overflow: 'hidden' });
  if (text.action) makeTappable(element, text.action, onAction);
  return element;
}

function styledSpan(span) {
  const element = h('span', {}, span.text ?? '');
  if (span.color) element.style.color = span.color;
  if (span.weight === 'bold') element.style.fontWeight = '700';
  if (span.size) element.style.fontSize = TEXT_SIZE[span.size] ?? size(span.size);
  return element;
}

function renderButton(button, onAction) {
  const style = button.style ?? 'link';
  const label = button.action?.label ?? '';
  const element = h('button', {
    type: 'button',
    class: `flex-button flex-button-${style} flex-button-${button.height ?? 'md'}`,
    dataset: { testid: 'flex-button', label },
    onclick: () => onAction(button.action),
  }, label);
  if (button.color) {
    if (style === 'link') element.style.color = button.color;
    else element.style.backgroundColor = button.color;
  }
  return element;
}

function unknownComponent(component) {
  return h('div', { class: 'flex-unknown' }, `[${component?.type ?? '?'}]`);
}

/** LINE's `flex`: horizontal children share the width (default 1); vertical ones take their natural height (default 0). */
function applyFlex(element, component, parentLayout) {
  const flex = component.flex ?? (parentLayout === 'vertical' || component.type === 'filler' ? (component.type === 'filler' ? 1 : 0) : 1);
  element.style.flex = flex === 0 ? '0 0 auto' : `${flex} 1 0%`;
  element.style.minWidth = '0';
}

function makeTappable(element, action, onAction) {
  element.classList.add('tappable');
  element.addEventListener('click', (event) => {
    if (event.target.closest('button') && event.target.closest('button') !== element) return;
    onAction(action);
  });
}

function size(value) {
  if (value === undefined || value === null) return '';
  return /^\d+$/.test(String(value)) ? `${value}px` : String(value);
}

function borderWidth(value) {
  return { none: '0', light: '0.5px', normal: '1px', medium: '2px', 'semi-bold': '3px', bold: '4px' }[value] ?? size(value);
}

/** Whether a URL is this page's own server (the console's content policy allows nothing else). */
function sameOrigin(url) {
  try {
    return new URL(url, location.href).origin === location.origin;
  } catch {
    return false;
  }
}
