/** The Prisma types services use, under the names they use them by. */
export type { PrismaClient } from './prisma-client.ts';
/** A client or an open transaction: services accept either. */
export type { TransactionClient as Db } from './prisma-client.ts';

/**
 * What services written in SQL need: tagged-template queries whose `${values}` become
 * bind parameters. Prisma clients and transactions have it, and so does the plain
 * node-postgres transaction of `inTransaction` (pg-transaction.ts) that conversation
 * turns run in.
 */
export interface SqlDb {
  $queryRaw<T = unknown>(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<T>;
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
}

/** Runs work in one transaction: `prisma.$transaction` or pg-transaction.ts `inTransaction`. */
export type Transact = <T>(work: (db: SqlDb) => Promise<T>) => Promise<T>;
