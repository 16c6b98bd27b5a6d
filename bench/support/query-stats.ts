/**
 * Counts and times every SQL statement node-postgres sends, grouped by statement text.
 * Opt-in (`--query-stats`): wrapping `Client.prototype.query` costs a little, so the
 * headline figures come from runs without it.
 */
import pg from 'pg';

export interface QueryStat {
  sql: string;
  calls: number;
  totalMs: number;
}

const stats = new Map<string, QueryStat>();

type Query = (this: pg.Client, ...args: unknown[]) => unknown;

/** Installs the wrapper; all pools created afterwards (Prisma's included) are counted. */
export function countQueries(): void {
  const original = pg.Client.prototype.query as unknown as Query;
  const wrapped: Query = function (this: pg.Client, ...args) {
    const first = args[0] as string | { text: string };
    const sql = normalize(typeof first === 'string' ? first : first.text);
    const started = performance.now();
    const done = () => record(sql, performance.now() - started);
    const last = args.at(-1);
    if (typeof last === 'function') {
      args[args.length - 1] = (...results: unknown[]) => {
        done();
        return (last as (...r: unknown[]) => unknown)(...results);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args);
    if (result && typeof (result as Promise<unknown>).finally === 'function') return (result as Promise<unknown>).finally(done);
    return result;
  };
  pg.Client.prototype.query = wrapped as unknown as typeof pg.Client.prototype.query;
}

/** The statements seen since the last call, most total time first; resets the counts. */
export function takeQueryStats(): QueryStat[] {
  const list = [...stats.values()].sort((a, b) => b.totalMs - a.totalMs);
  stats.clear();
  return list;
}

function record(sql: string, ms: number): void {
  const stat = stats.get(sql) ?? { sql, calls: 0, totalMs: 0 };
  stat.calls += 1;
  stat.totalMs += ms;
  stats.set(sql, stat);
}

function normalize(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim().slice(0, 160);
}
