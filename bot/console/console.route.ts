/**
 * The local console: `GET /console` serves a LINE-like chat page (static files, no
 * build step, nothing fetched from the internet), and `/console/api/...` lets that page
 * act as LINE users. Every action becomes a signed webhook to the bot; what the bot
 * answers arrives through the fake LINE API and is polled from the transcript.
 */
import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { z } from 'zod';
import {
  blockedSchema, fileSchema, newUserSchema, postbackSchema, textSchema, transcriptQuery, unsendSchema, userIdParam,
} from './console-api.schema.ts';
import { CONSOLE_ERROR_STATUS, ConsoleError } from './console-errors.ts';
import { ConsoleService, type SendResult } from './console.service.ts';
import type { FakeLineStore } from './fake-line-store.ts';
import { PROJECT_ROOT } from '../../core/project-root.ts';

export interface ConsoleRouterOptions {
  channelSecret: string;
  webhookUrl: string;
  store: FakeLineStore;
}

const PUBLIC_DIR = join(PROJECT_ROOT, 'bot', 'console', 'public');
/** A 10 MB file is about 14 MB as base64 in JSON. */
const FILE_BODY_LIMIT = '16mb';
/** The page must work offline and talk to nobody but this server. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "img-src 'self' data:", "style-src 'self'", "script-src 'self'", "connect-src 'self'",
  "object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

/**
 * Mount at the app's root: `app.use(consoleRouter({ channelSecret, webhookUrl, store }))`,
 * where `store` is the fake LINE API's, so the page shows what the bot sent.
 */
export function consoleRouter(options: ConsoleRouterOptions): Router {
  const service = new ConsoleService(options);
  const { store } = options;
  const router = express.Router();
  const json = express.json({ limit: '100kb' });

  router.get('/', (_req, res) => res.redirect('/console'));
  router.use('/console', (_req, res, next) => {
    res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('cache-control', 'no-store');
    next();
  });
  router.get('/console', (_req, res) => res.sendFile('index.html', { root: PUBLIC_DIR }));
  router.use('/console/assets', express.static(PUBLIC_DIR, { index: false, fallthrough: false }));

  router.get('/console/api/users', (_req, res) => {
    res.json({ users: store.users().map((user) => ({ ...user, lastEntry: store.transcript(user.userId).at(-1) ?? null })) });
  });
  router.post('/console/api/users', json, async (req, res) => {
    const input = parse(newUserSchema, req.body);
    const { user, webhook } = await service.addUser(input);
    res.status(201).json({ user, webhookStatus: webhook.status, webhookMs: webhook.durationMs });
  });
  router.get('/console/api/users/:userId/transcript', (req, res) => {
    const userId = parse(userIdParam, req.params.userId);
    const user = store.user(userId);
    if (!user) throw new ConsoleError('unknown-user', `no console user ${userId}`);
    const { after } = parse(transcriptQuery, req.query);
    res.json({ entries: store.transcript(userId, after), lastSeq: store.lastSeq, loading: store.isLoading(userId), blocked: user.blocked, richMenu: shownMenu(store, userId) });
  });
  /** A rich menu's image, as the LINE app shows it under the chat. */
  router.get('/console/api/rich-menus/:richMenuId/image', (req, res) => {
    const image = store.richMenus.image(String(req.params.richMenuId));
    if (!image) return void res.status(404).json({ message: 'no such rich menu image' });
    res.type(image.contentType).send(image.bytes);
  });
  router.post('/console/api/users/:userId/text', json, async (req, res) => {
    const { text } = parse(textSchema, req.body);
    sent(res, await service.sendText(userIdOf(req), text));
  });
  router.post('/console/api/users/:userId/postback', json, async (req, res) => {
    const { data, displayText, params } = parse(postbackSchema, req.body);
    const given = Object.entries(params ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined);
    sent(res, await service.sendPostback(userIdOf(req), {
      data,
      ...(displayText ? { displayText } : {}),
      ...(given.length > 0 ? { params: Object.fromEntries(given) } : {}),
    }));
  });
  router.post('/console/api/users/:userId/file', express.json({ limit: FILE_BODY_LIMIT }), async (req, res) => {
    const file = parse(fileSchema, req.body);
    const contentType = file.contentType ?? (/\.pdf$/i.test(file.fileName) ? 'application/pdf' : 'application/octet-stream');
    sent(res, await service.sendFile(userIdOf(req), { fileName: file.fileName, contentType, bytes: Buffer.from(file.base64, 'base64') }));
  });
  router.post('/console/api/users/:userId/unsend', json, async (req, res) => {
    const { messageId } = parse(unsendSchema, req.body);
    sent(res, await service.unsend(userIdOf(req), messageId));
  });
  router.post('/console/api/users/:userId/blocked', json, async (req, res) => {
    const { blocked } = parse(blockedSchema, req.body);
    const result = await service.setBlocked(userIdOf(req), blocked);
    res.json(result ? { blocked, entry: result.entry, webhookStatus: result.webhook.status } : { blocked, unchanged: true });
  });
  /** Lets the person open a file they sent, as LINE's own chat does. */
  router.get('/console/api/files/:messageId', (req, res) => {
    const file = store.file(String(req.params.messageId));
    if (!file) return void res.status(404).json({ message: 'this file was unsent or never sent' });
    res.type(file.contentType).setHeader('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
    res.send(file.bytes);
  });
  router.use('/console', consoleErrors);
  return router;
}

/** The rich menu the user sees (their own, else the default), once its image is there. */
function shownMenu(store: FakeLineStore, userId: string) {
  const menu = store.richMenus.shownTo(userId);
  if (!menu || !store.richMenus.image(menu.richMenuId)) return null;
  return { richMenuId: menu.richMenuId, size: menu.size, chatBarText: menu.chatBarText, areas: menu.areas };
}

class InvalidInput extends Error {
  override name = 'InvalidInput';
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new InvalidInput(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '));
}

function userIdOf(req: Request): string {
  return parse(userIdParam, req.params.userId);
}

function sent(res: Response, result: SendResult) {
  res.json({ entry: result.entry, webhookStatus: result.webhook.status, webhookMs: result.webhook.durationMs });
}

function consoleErrors(error: unknown, _req: Request, res: Response, next: NextFunction) {
  if (error instanceof InvalidInput) return void res.status(400).json({ message: error.message });
  if (error instanceof ConsoleError) return void res.status(CONSOLE_ERROR_STATUS[error.code]).json({ message: error.message, code: error.code });
  const status = (error as { status?: number }).status;
  // body-parser's own failures: malformed JSON (400), too large (413).
  if (status && status >= 400 && status < 500) return void res.status(status).json({ message: (error as Error).message });
  next(error);
}
