/**
 * Waiting for a statement to be blocked on a lock, instead of sleeping and hoping it got
 * there: PostgreSQL lists every lock a session waits for in `pg_locks` (granted = false).
 *
 * @example
 * await other.query('BEGIN'); await other.query('SELECT … FOR UPDATE');   // the test holds the row
 * await h.post(body);                                                      // ouen's turn needs it
 * await untilWaitingForLocks(h.db.sql);                                    // and now waits for it
 */
import type { Queryable } from '../../core/db/sql-pool.ts';
import { eventually } from './ouen-harness.ts';

/**
 * Resolves once at least `count` lock requests of sessions on this database are waiting
 * (a row lock is waited for on the holder's transaction id, which names no database).
 */
export async function untilWaitingForLocks(db: Queryable, count = 1): Promise<void> {
  await eventually(async () => {
    const { rows } = await db.query<{ waiting: number }>(`
      SELECT count(*)::int AS "waiting" FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE NOT l.granted AND a.datname = current_database()`);
    return rows[0]!.waiting >= count;
  });
}
