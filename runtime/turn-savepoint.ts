/**
 * One turn's writes inside the batch's transaction, taken back alone if they fail: a
 * SAVEPOINT before the turn's first statement, released after its last, rolled back to on
 * any error (a unique violation, a bug in a handler). A turn that writes nothing (most
 * answers in a form: their saves wait for the batch's bulk statement) costs no round trip.
 *
 * PostgreSQL keeps up to 64 subtransactions per session in shared memory; beyond that
 * every snapshot in the cluster gets slower until commit. Only turns that write take one,
 * and a batch holds at most 64 turns (line-event-processor `maxBatch`).
 */
import type { SqlClient } from '../core/db/types.ts';

export type Isolated<T> = { ok: true; value: T } | { ok: false; error: unknown };

export async function isolated<T>(db: SqlClient, work: (db: SqlClient) => Promise<T>): Promise<Isolated<T>> {
  let opened: PromiseLike<unknown> | null = null;
  const open = () => (opened ??= db.run`SAVEPOINT turn`);
  const guarded: SqlClient = {
    rows: async (query, ...values) => {
      await open();
      return db.rows(query, ...values);
    },
    run: async (query, ...values) => {
      await open();
      return db.run(query, ...values);
    },
  };
  try {
    const value = await work(guarded);
    if (opened) await db.run`RELEASE SAVEPOINT turn`;
    return { ok: true, value };
  } catch (error) {
    if (opened) {
      // Should these fail too, the connection is gone: the whole batch fails, as it must.
      await db.run`ROLLBACK TO SAVEPOINT turn`;
      await db.run`RELEASE SAVEPOINT turn`;
    }
    return { ok: false, error };
  }
}
