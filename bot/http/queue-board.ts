/**
 * The bull-board router itself, for bot/http/queue-dashboard.ts, which loads this file
 * at the dashboard's first request (bull-board, its views and its UI stay out of a web
 * thread that nobody opens the dashboard in).
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';

export interface QueueBoard {
  router: RequestHandler;
  close(): Promise<void>;
}

/** Every queue in `names` under `prefix`, on the caller's connection (closing the board leaves it open), served at `basePath`. */
export function queueBoard(options: { redis: Redis; prefix: string; names: readonly string[]; basePath: string }): QueueBoard {
  const queues = options.names.map((name) => {
    const queue = new Queue(name, { connection: options.redis, prefix: options.prefix });
    // Redis being down shows in the dashboard's own answers and in /healthz.
    queue.on('error', () => undefined);
    return queue;
  });
  const board = new ExpressAdapter().setBasePath(options.basePath);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'ouen queues' } },
  });
  return {
    router: board.getRouter() as RequestHandler,
    close: async () => void (await Promise.all(queues.map((queue) => queue.close()))),
  };
}
