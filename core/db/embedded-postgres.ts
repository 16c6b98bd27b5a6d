import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { lockDataDir } from './data-dir-lock.ts';

/** Options for {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** Where PGlite keeps its files; created on first start (which takes ~5 s: initdb in wasm). */
  dataDir: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /**
   * Concurrent client connections the socket server accepts. Its default of 1 cuts off a
   * second client ("Connection terminated unexpectedly"), and a pool needs several.
   */
  maxConnections?: number;
}

/** A running embedded PostgreSQL reachable over TCP. */
export interface EmbeddedPostgres {
  connectionString: string;
  stop(): Promise<void>;
}

/**
 * PostgreSQL without a server install: PGlite (Postgres compiled to wasm, in this process)
 * served on a local TCP port by pglite-socket, so Prisma, `pg` and psql use it like any
 * server. The socket server queues queries and keeps a transaction's queries together,
 * but all connections share one session: session state (SET, advisory locks) is shared.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  await mkdir(dirname(options.dataDir), { recursive: true });
  const unlock = await lockDataDir(options.dataDir);
  let db: PGlite | undefined;
  try {
    db = await PGlite.create(options.dataDir);
    const server = new PGLiteSocketServer({
      db,
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      maxConnections: options.maxConnections ?? 10,
    });
    await server.start();
    const pglite = db;
    return {
      connectionString: `postgresql://postgres@${server.getServerConn()}/postgres`,
      stop: async () => {
        try {
          await server.stop();
          await pglite.close();
        } finally {
          await unlock();
        }
      },
    };
  } catch (error) {
    await db?.close().catch(() => undefined);
    await unlock();
    throw error;
  }
}
