import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../core/db/embedded-postgres.ts';

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
 * local server, and when none is running a throw-away embedded PostgreSQL (the one local
 * mode runs), so creating a migration never needs a server; creating one takes a few
 * seconds, hence only as a fallback.
 */
export async function openDiffConnection(env: NodeJS.ProcessEnv = process.env): Promise<DiffConnection> {
  const explicit = env.SCHEMA_DIFF_DATABASE_URL || env.DATABASE_URL;
  if (explicit) return { connectionString: explicit, close: async () => undefined };
  if (await isReachable(DEFAULT_DIFF_DATABASE_URL)) {
    return { connectionString: DEFAULT_DIFF_DATABASE_URL, close: async () => undefined };
  }
  return openThrowAwayPostgres();
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

async function openThrowAwayPostgres(): Promise<DiffConnection> {
  const scratch = await mkdtemp(join(tmpdir(), 'ouen-diff-'));
  try {
    const server = await startEmbeddedPostgres({ dataDir: join(scratch, 'postgres') });
    return {
      connectionString: server.connectionString,
      close: async () => {
        await server.stop();
        await rm(scratch, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
}
