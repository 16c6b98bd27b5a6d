/** The Prisma client, for the code written in Prisma's own API (the operator's commands, tests). */
export type { PrismaClient } from './prisma-client.ts';

/**
 * ouen's SQL on node-postgres: tagged templates whose `${values}` become bind parameters
 * (`$1`, `$2`, …), never text in the SQL. `rows` answers the rows, typed by the caller
 * from the generated model types (core/db/tables.ts); `run` answers how many rows a
 * statement changed. One connection in a transaction (`inTransaction`) or a pool, each
 * statement on its own (`sqlClient`, pg-transaction.ts). Every statement written this way is
 * prepared against the migrated schema by test/core/sql-statements.test.ts.
 *
 * Named for what it is: node-postgres, not a Prisma client (whose `$queryRaw` it used to
 * imitate); code that holds a Prisma client uses Prisma's own API.
 *
 * @example
 * const rows = await db.rows<Pick<tables.Application, 'id' | 'status'>>`
 *   SELECT "id", "status" FROM "Application" WHERE "contestId" = ${contestId}`;
 * const changed = await db.run`DELETE FROM "Application" WHERE "id" = ${id}::uuid AND "status" = 'draft'`;
 */
export interface SqlClient {
  rows<Row>(query: TemplateStringsArray, ...values: unknown[]): Promise<Row[]>;
  run(query: TemplateStringsArray, ...values: unknown[]): Promise<number>;
}

/** Runs work in one transaction (pg-transaction.ts `transactOn`). */
export type Transact = <T>(work: (db: SqlClient) => Promise<T>) => Promise<T>;
