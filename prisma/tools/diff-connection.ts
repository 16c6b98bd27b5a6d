import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';

/** A PostgreSQL the schema engine may connect to, and how to let go of it. */
export interface DiffConnection {
  connectionString: string;
  close(): Promise<void>;
}

/** Local server of the build machines; `postgres` is the one role every install has. */
export const DEFAULT_DIFF_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/**
 * Finds a database for the schema engine's diff, which connects but reads nothing.
 * An explicit URL (SCHEMA_DIFF_DATABASE_URL, then DATABASE_URL) is used as is. Otherwise the
 * local server, and when none is running an in-memory PGlite, so creating a migration
 * never needs a server; PGlite takes about 5 s to initialise, hence only as a fallback.
 */
export async function openDiffConnection(env: NodeJS.ProcessEnv = process.env): Promise<DiffConnection> {
  const explicit = env.SCHEMA_DIFF_DATABASE_URL || env.DATABASE_URL;
  if (explicit) return { connectionString: explicit, close: async () => undefined };
  if (await isReachable(DEFAULT_DIFF_DATABASE_URL)) {
    return { connectionString: DEFAULT_DIFF_DATABASE_URL, close: async () => undefined };
  }
  return openInMemoryPglite();
}

async function isReachable(connectionString: string): Promise<boolean> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function openInMemoryPglite(): Promise<DiffConnection> {
  const db = await PGlite.create();
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 10 });
  await server.start();
  return {
    connectionString: `postgresql://postgres@${server.getServerConn()}/postgres`,
    close: async () => {
      await server.stop();
      await db.close();
    },
  };
}
