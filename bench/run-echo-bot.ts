/**
 * The reference point: a minimal echo bot built the way the official SDK's example is
 * (express, `middleware({ channelSecret })`, `messagingApi.MessagingApiClient`), replying
 * "echo" to every text through the same fake LINE API before it answers the webhook.
 *
 * Env: LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN, LINE_API_BASE_URL.
 */
import type { Server } from 'node:http';
import { messagingApi, middleware, type WebhookEvent, type WebhookRequestBody } from '@line/bot-sdk';
import express, { type NextFunction, type Request, type Response } from 'express';
import { notifyParent, serveRequests } from './support/ipc.ts';

const channelSecret = required('LINE_CHANNEL_SECRET');
const client = new messagingApi.MessagingApiClient({
  channelAccessToken: required('LINE_CHANNEL_ACCESS_TOKEN'),
  baseURL: required('LINE_API_BASE_URL'),
});

function handleEvent(event: WebhookEvent): Promise<unknown> | null {
  if (event.type !== 'message' || event.message.type !== 'text') return null;
  return client.replyMessage({ replyToken: event.replyToken, messages: [{ type: 'text', text: 'echo' }] });
}

const app = express();
app.post('/webhooks/line', middleware({ channelSecret }), (req: Request, res: Response, next: NextFunction) => {
  Promise.all((req.body as WebhookRequestBody).events.map(handleEvent)).then((result) => res.json(result), next);
});
const server: Server = app.listen(0, '127.0.0.1', () => notifyParent('ready', { port: (server.address() as { port: number }).port }));

serveRequests({
  stop: () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  },
});

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}
