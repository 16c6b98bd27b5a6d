export { openDatabase, type Database, type OpenDatabaseOptions } from './open-database.ts';
export { openPostgres, type Postgres, type OpenPostgresOptions } from './open-postgres.ts';
export { createPrismaClient, type PrismaClient } from './prisma-client.ts';
export { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded-postgres.ts';
export * from './migrations/index.ts';
