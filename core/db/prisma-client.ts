import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../generated/prisma/client.ts';

export type { PrismaClient } from '../../generated/prisma/client.ts';

/**
 * A Prisma client over node-postgres. Prisma 7 has no Rust query engine: the driver
 * adapter owns the connection pool, so its size is set here.
 */
export function createPrismaClient(connectionString: string, poolSize: number): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max: poolSize }) });
}
