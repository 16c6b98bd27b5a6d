/**
 * A LISTEN connection of its own that calls `onNotify` for each NOTIFY a transaction that
 * recorded staff notices sends on commit, and connects again after a lost connection (the
 * feed's sweep covers a NOTIFY missed meanwhile). The returned function stops listening.
 */
import pg from 'pg';
import { errorFields } from '../core/error-fields.ts';
import type { Logger } from '../core/logger.ts';
import { STAFF_FEED_CHANNEL } from '../core/staff-feed/staff-notice.repository.ts';

const RECONNECT_MS = 5_000;

export function listenForNotices(databaseUrl: string, onNotify: () => void, logger: Logger): () => Promise<void> {
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
    connection.connect().then(() => connection.query(`LISTEN ${STAFF_FEED_CHANNEL}`)).catch((error: unknown) => {
      logger.warn({ err: errorFields(error) }, 'staff feed could not listen; the sweep carries on');
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
