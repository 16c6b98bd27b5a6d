/**
 * The fake LINE API's rich-menu endpoints, as the official spec
 * (`shared/specs/line/messaging-api.yml`) and reference describe them: create, validate,
 * get, list, delete; the image on the data API (which shares the fake's base URL); the
 * default; per-user and bulk (≤ 500, answered 202: asynchronous at LINE) link and unlink.
 * Errors in LINE's shape: `{ message, details? }`.
 */
import type { Request, Response, Router } from 'express';
import type { LineErrorDetail } from './line-message-checks.ts';
import type { FakeLineStore } from './fake-line-store.ts';
import type { FakeRichMenu } from './fake-rich-menus.ts';

type Json = Record<string, unknown>;

/** LINE's image limits ("Upload rich menu image"). */
const MAX_IMAGE_BYTES = 1024 * 1024;
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg']);
const USER_ID = /^U[0-9a-f]{32}$/;
const BULK_MAX = 500;

export function mountRichMenuRoutes(router: Router, store: FakeLineStore): void {
  const menus = store.richMenus;
  router.post('/v2/bot/richmenu', (_req, res) => {
    const { menu, details } = checkMenu(res.locals.body);
    if (!menu) return badRequest(res, details);
    const created = menus.create(menu);
    if (!created) return void res.status(400).json({ message: 'Exceeded the maximum number of rich menus' });
    res.json({ richMenuId: created.richMenuId });
  });
  router.post('/v2/bot/richmenu/validate', (_req, res) => {
    const { menu, details } = checkMenu(res.locals.body);
    if (!menu) return badRequest(res, details);
    res.json({});
  });
  router.get('/v2/bot/richmenu/list', (_req, res) => void res.json({ richmenus: menus.list() }));
  router.post('/v2/bot/richmenu/bulk/link', (_req, res) => {
    const body = asObject(res.locals.body);
    const details = checkUserIds(body.userIds);
    if (typeof body.richMenuId !== 'string' || body.richMenuId === '') details.push({ message: 'must be specified', property: 'richMenuId' });
    if (details.length > 0) return badRequest(res, details);
    const fault = menus.takeBulkFault();
    if (fault) {
      if (fault.retryAfter !== undefined) res.setHeader('retry-after', String(fault.retryAfter));
      return void res.status(fault.status).json({ message: faultMessage(fault.status) });
    }
    const menu = menus.get(body.richMenuId as string);
    if (!menu) return void res.status(400).json({ message: `richmenu not found: ${body.richMenuId as string}` });
    for (const userId of body.userIds as string[]) if (store.user(userId)) menus.link(userId, menu.richMenuId);
    res.status(202).json({});
  });
  router.post('/v2/bot/richmenu/bulk/unlink', (_req, res) => {
    const body = asObject(res.locals.body);
    const details = checkUserIds(body.userIds);
    if (details.length > 0) return badRequest(res, details);
    for (const userId of body.userIds as string[]) menus.unlink(userId);
    res.status(202).json({});
  });
  router.get('/v2/bot/richmenu/:richMenuId', (req, res) => {
    const menu = menus.get(req.params.richMenuId);
    if (!menu) return notFound(res);
    res.json(menu);
  });
  router.delete('/v2/bot/richmenu/:richMenuId', (req, res) => {
    if (!menus.delete(req.params.richMenuId)) return notFound(res);
    res.json({});
  });
  router.post('/v2/bot/richmenu/:richMenuId/content', (req, res) => uploadImage(store, req, res));
  router.get('/v2/bot/richmenu/:richMenuId/content', (req, res) => {
    const image = menus.image(req.params.richMenuId);
    if (!image) return notFound(res);
    res.type(image.contentType).send(image.bytes);
  });
  router.post('/v2/bot/user/all/richmenu/:richMenuId', (req, res) => {
    const menu = menus.get(req.params.richMenuId);
    if (!menu) return notFound(res);
    if (!menus.image(menu.richMenuId)) return void res.status(400).json({ message: 'An image has not been uploaded to the richmenu' });
    menus.setDefault(menu.richMenuId);
    res.json({});
  });
  router.get('/v2/bot/user/all/richmenu', (_req, res) => {
    if (!menus.defaultId) return void res.status(404).json({ message: 'no default richmenu' });
    res.json({ richMenuId: menus.defaultId });
  });
  router.delete('/v2/bot/user/all/richmenu', (_req, res) => {
    menus.setDefault(null);
    res.json({});
  });
  router.post('/v2/bot/user/:userId/richmenu/:richMenuId', (req, res) => {
    if (!USER_ID.test(req.params.userId) || !store.user(req.params.userId)) return void res.status(400).json({ message: 'The user ID is invalid' });
    const menu = menus.get(req.params.richMenuId);
    if (!menu) return notFound(res);
    if (!menus.image(menu.richMenuId)) return void res.status(400).json({ message: 'An image has not been uploaded to the richmenu' });
    menus.link(req.params.userId, menu.richMenuId);
    res.json({});
  });
  router.get('/v2/bot/user/:userId/richmenu', (req, res) => {
    const linked = menus.linked(req.params.userId);
    if (!linked) return void res.status(404).json({ message: 'the user has no richmenu' });
    res.json({ richMenuId: linked });
  });
  router.delete('/v2/bot/user/:userId/richmenu', (req, res) => {
    menus.unlink(req.params.userId);
    res.json({});
  });
}

/** The image's bytes arrive raw (fake-line-api.ts leaves this path's body unparsed). */
function uploadImage(store: FakeLineStore, req: Request, res: Response) {
  const menu = store.richMenus.get(req.params.richMenuId as string);
  if (!menu) return notFound(res);
  const contentType = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const bytes: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (!IMAGE_TYPES.has(contentType)) return void res.status(415).json({ message: 'Unsupported Media Type' });
  if (bytes.length === 0) return void res.status(400).json({ message: 'The request body is empty' });
  if (bytes.length > MAX_IMAGE_BYTES) return void res.status(413).json({ message: 'Request Entity Too Large' });
  if (store.richMenus.image(menu.richMenuId)) return void res.status(400).json({ message: 'An image has already been uploaded to the richmenu' });
  const dims = contentType === 'image/png' ? pngSize(bytes) : null;
  if (contentType === 'image/png' && !dims) return void res.status(400).json({ message: 'The image is not a valid PNG' });
  if (dims && (dims.width !== menu.size.width || dims.height !== menu.size.height)) {
    return void res.status(400).json({ message: 'An image size of the richmenu must match the size of the richmenu' });
  }
  store.richMenus.setImage(menu.richMenuId, contentType, bytes);
  res.json({});
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } | null {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature) || bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** A rich menu object as LINE checks it: size, name, chat bar text, 1–20 areas inside the menu with valid actions. */
function checkMenu(value: unknown): { menu?: Omit<FakeRichMenu, 'richMenuId'>; details: LineErrorDetail[] } {
  const body = asObject(value);
  const details: LineErrorDetail[] = [];
  const size = asObject(body.size);
  const width = size.width as number;
  const height = size.height as number;
  if (!Number.isInteger(width) || width < 800 || width > 2500) details.push({ message: 'must be between 800 and 2500', property: 'size.width' });
  if (!Number.isInteger(height) || height < 250) details.push({ message: 'must be 250 or more', property: 'size.height' });
  if (Number.isInteger(width) && Number.isInteger(height) && height > 0 && width / height < 1.45) details.push({ message: 'aspect ratio (width / height) must be 1.45 or more', property: 'size' });
  if (typeof body.selected !== 'boolean') details.push({ message: 'must be specified', property: 'selected' });
  if (typeof body.name !== 'string' || body.name === '' || body.name.length > 300) details.push({ message: 'must be 1-300 characters', property: 'name' });
  if (typeof body.chatBarText !== 'string' || body.chatBarText === '' || [...body.chatBarText].length > 14) details.push({ message: 'must be 1-14 characters', property: 'chatBarText' });
  const areas = Array.isArray(body.areas) ? body.areas : [];
  if (areas.length < 1 || areas.length > 20) details.push({ message: 'must have 1-20 items', property: 'areas' });
  areas.forEach((area, i) => details.push(...checkArea(asObject(area), i, width, height)));
  if (details.length > 0) return { details };
  return { menu: { size: { width, height }, selected: body.selected as boolean, name: body.name as string, chatBarText: body.chatBarText as string, areas: areas as FakeRichMenu['areas'] }, details };
}

function checkArea(area: Json, i: number, menuWidth: number, menuHeight: number): LineErrorDetail[] {
  const details: LineErrorDetail[] = [];
  const b = asObject(area.bounds);
  const [x, y, w, h] = [b.x, b.y, b.width, b.height] as number[];
  if (![x, y, w, h].every(Number.isInteger) || x! < 0 || y! < 0 || w! < 1 || h! < 1 || x! + w! > menuWidth || y! + h! > menuHeight) {
    details.push({ message: 'must be inside the rich menu', property: `areas[${i}].bounds` });
  }
  const action = asObject(area.action);
  if (action.type === 'message') {
    if (typeof action.text !== 'string' || action.text === '' || [...action.text].length > 300) details.push({ message: 'must be 1-300 characters', property: `areas[${i}].action.text` });
  } else if (action.type === 'postback') {
    if (typeof action.data !== 'string' || action.data === '' || action.data.length > 300) details.push({ message: 'must be 1-300 characters', property: `areas[${i}].action.data` });
  } else if (!['uri', 'richmenuswitch', 'datetimepicker'].includes(action.type as string)) {
    details.push({ message: 'invalid action type', property: `areas[${i}].action.type` });
  }
  if (action.label !== undefined && (typeof action.label !== 'string' || [...action.label].length > 20)) details.push({ message: 'must be 20 characters or fewer', property: `areas[${i}].action.label` });
  return details;
}

function checkUserIds(value: unknown): LineErrorDetail[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > BULK_MAX) return [{ message: `must have 1-${BULK_MAX} items`, property: 'userIds' }];
  return value.every((id) => typeof id === 'string' && USER_ID.test(id)) ? [] : [{ message: 'invalid user ID', property: 'userIds' }];
}

function faultMessage(status: number): string {
  if (status === 429) return 'The API rate limit has been exceeded. Try again later.';
  if (status >= 500) return 'Internal server error';
  return 'Bad request';
}

function notFound(res: Response) {
  res.status(404).json({ message: 'Not found' });
}

function badRequest(res: Response, details: LineErrorDetail[]) {
  res.status(400).json({ message: `The request body has ${details.length} error(s)`, details });
}

function asObject(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}
