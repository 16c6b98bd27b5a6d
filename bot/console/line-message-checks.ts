/**
 * The checks LINE applies to message objects before sending anything, reported the way
 * LINE reports them (`details[]` of `{ message, property }`). Deliberately minimal: the
 * full schema is the official OpenAPI document, which tests validate against; these are
 * the limits a bot most often trips over in production (Messaging API reference,
 * "Message objects", "Quick reply", "Action objects").
 */

export interface LineErrorDetail {
  message: string;
  property: string;
}

const MESSAGE_TYPES = ['text', 'textV2', 'image', 'video', 'audio', 'location', 'sticker', 'template', 'imagemap', 'flex', 'coupon'];
const MAX_MESSAGES = 5;
const MAX_TEXT = 5000;
const MAX_QUICK_REPLY_ITEMS = 13;
const MAX_QUICK_REPLY_LABEL = 20;
const MAX_POSTBACK_DATA = 300;
const MAX_DISPLAY_TEXT = 300;
const MAX_ALT_TEXT = 1500;
/** A bubble's JSON may not exceed 30 KB; a carousel's 50 KB. */
const MAX_BUBBLE_BYTES = 30 * 1024;
const MAX_CAROUSEL_BYTES = 50 * 1024;
const PICKER_MODES = ['date', 'time', 'datetime'];

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const lengthError = (property: string, max: number): LineErrorDetail => ({ message: `Length must be between 0 and ${max}`, property });
const missing = (property: string): LineErrorDetail => ({ message: 'must be specified', property });

/** Problems with a request's `messages` array; empty when LINE would accept it. */
export function checkMessages(messages: unknown): LineErrorDetail[] {
  if (messages === undefined) return [missing('messages')];
  if (!Array.isArray(messages)) return [{ message: 'must be an array', property: 'messages' }];
  if (messages.length < 1 || messages.length > MAX_MESSAGES) {
    return [{ message: `Size must be between 1 and ${MAX_MESSAGES}`, property: 'messages' }];
  }
  return messages.flatMap((message, index) => checkMessage(message, `messages[${index}]`));
}

function checkMessage(message: unknown, at: string): LineErrorDetail[] {
  if (!isObject(message)) return [{ message: 'must be an object', property: at }];
  if (typeof message.type !== 'string' || !MESSAGE_TYPES.includes(message.type)) {
    return [{ message: `Must be one of the following values: [${MESSAGE_TYPES.join(', ')}]`, property: `${at}.type` }];
  }
  const details: LineErrorDetail[] = [];
  if (message.type === 'text' || message.type === 'textV2') details.push(...checkText(message, at));
  if (message.type === 'flex') details.push(...checkFlex(message, at));
  if (message.quickReply !== undefined) details.push(...checkQuickReply(message.quickReply, `${at}.quickReply`));
  return details;
}

function checkText(message: Json, at: string): LineErrorDetail[] {
  if (typeof message.text !== 'string' || message.text.length === 0) return [{ message: 'May not be empty', property: `${at}.text` }];
  return message.text.length > MAX_TEXT ? [lengthError(`${at}.text`, MAX_TEXT)] : [];
}

function checkFlex(message: Json, at: string): LineErrorDetail[] {
  const details: LineErrorDetail[] = [];
  if (typeof message.altText !== 'string' || message.altText.length === 0) details.push({ message: 'May not be empty', property: `${at}.altText` });
  else if (message.altText.length > MAX_ALT_TEXT) details.push(lengthError(`${at}.altText`, MAX_ALT_TEXT));
  const contents = message.contents;
  if (!isObject(contents)) return [...details, missing(`${at}.contents`)];
  if (contents.type !== 'bubble' && contents.type !== 'carousel') {
    return [...details, { message: 'Must be one of the following values: [bubble, carousel]', property: `${at}.contents.type` }];
  }
  const max = contents.type === 'bubble' ? MAX_BUBBLE_BYTES : MAX_CAROUSEL_BYTES;
  if (Buffer.byteLength(JSON.stringify(contents)) > max) {
    details.push({ message: `Size must be at most ${max / 1024} KB`, property: `${at}.contents` });
  }
  details.push(...actionsWithin(contents, `${at}.contents`).flatMap(([action, path]) => checkAction(action, path, Infinity)));
  return details;
}

/** Every `action` object anywhere inside a flex container, with its path. */
function actionsWithin(node: unknown, at: string): Array<[unknown, string]> {
  if (Array.isArray(node)) return node.flatMap((child, index) => actionsWithin(child, `${at}[${index}]`));
  if (!isObject(node)) return [];
  return Object.entries(node).flatMap(([key, value]): Array<[unknown, string]> =>
    key === 'action' ? [[value, `${at}.action`]] : actionsWithin(value, `${at}.${key}`));
}

function checkQuickReply(quickReply: unknown, at: string): LineErrorDetail[] {
  if (!isObject(quickReply) || !Array.isArray(quickReply.items)) return [missing(`${at}.items`)];
  if (quickReply.items.length > MAX_QUICK_REPLY_ITEMS) {
    return [{ message: `Size must be between 0 and ${MAX_QUICK_REPLY_ITEMS}`, property: `${at}.items` }];
  }
  return quickReply.items.flatMap((item: unknown, index) => {
    const path = `${at}.items[${index}]`;
    if (!isObject(item) || item.type !== 'action') return [{ message: 'Must be one of the following values: [action]', property: `${path}.type` }];
    const labelMissing = isObject(item.action) && typeof item.action.label !== 'string';
    return [
      ...checkAction(item.action, `${path}.action`, MAX_QUICK_REPLY_LABEL),
      ...(labelMissing ? [{ message: 'May not be empty', property: `${path}.action.label` }] : []),
    ];
  });
}

function checkAction(action: unknown, at: string, maxLabel: number): LineErrorDetail[] {
  if (!isObject(action)) return [missing(at)];
  const details: LineErrorDetail[] = [];
  if (typeof action.type !== 'string') details.push(missing(`${at}.type`));
  if (typeof action.label === 'string' && action.label.length > maxLabel) details.push(lengthError(`${at}.label`, maxLabel));
  if (action.type === 'postback' || action.type === 'datetimepicker') {
    if (typeof action.data !== 'string') details.push(missing(`${at}.data`));
    else if (action.data.length > MAX_POSTBACK_DATA) details.push(lengthError(`${at}.data`, MAX_POSTBACK_DATA));
  }
  if (typeof action.displayText === 'string' && action.displayText.length > MAX_DISPLAY_TEXT) {
    details.push(lengthError(`${at}.displayText`, MAX_DISPLAY_TEXT));
  }
  if (action.type === 'datetimepicker' && !PICKER_MODES.includes(String(action.mode))) {
    details.push({ message: `Must be one of the following values: [${PICKER_MODES.join(', ')}]`, property: `${at}.mode` });
  }
  if (action.type === 'message' && (typeof action.text !== 'string' || action.text.length === 0)) {
    details.push({ message: 'May not be empty', property: `${at}.text` });
  }
  return details;
}
