/** The Prisma client types every service uses, in one place. */
export type { PrismaClient, Prisma } from '../../generated/prisma/client.ts';
import type { Prisma } from '../../generated/prisma/client.ts';

/** A client or an open transaction: services accept either. */
export type Db = Prisma.TransactionClient;
