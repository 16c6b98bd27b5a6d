/** The Prisma types services use, under the names they use them by. */
export type { PrismaClient } from './prisma-client.ts';
/** A client or an open transaction: services accept either. */
export type { TransactionClient as Db } from './prisma-client.ts';
