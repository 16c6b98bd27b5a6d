/**
 * A LISTEN connection of its own that calls `onNotify` for each NOTIFY on `channel`, and
 * connects again after a lost connection (whoever listens also sweeps, so a NOTIFY missed
 * meanwhile is only late). The returned function stops listening.
 */
import pg from 'pg';
import { errorFields } from '../core/error-fields.ts';
import type { Logger } from '../core/logger.ts';

const RECONNECT_MS = 5_000;

export function listenFor(databaseUrl: string, channel: string, onNotify: () => void, logger: Logger): () => Promise<void> {
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const listen = () => {
    if (closed) return;
    const connection = new pg.Client({ connectionString: databaseUrl });
    client = connection;
    connection.on('notification', onNotify);
    connection.on('error', () => undefined);
    connection.on('end', () => {
      if (closed) return;
      retry = setTimeout(listen, RECONNECT_MS);
      retry.unref();
    });
    connection.connect().then(() => connection.query(`LISTEN ${channel}`)).catch((error: unknown) => {
      logger.warn({ channel, err: errorFields(error) }, 'could not listen; the sweep carries on');
      void connection.end().catch(() => undefined);
    });
  };
  listen();
  return async () => {
    closed = true;
    clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}
