import pg from 'pg';

/** Everything about a schema's shape that schema.prisma can express, as comparable rows. */
export interface Catalog {
  tables: string[];
  columns: string[];
  constraints: string[];
  indexes: string[];
  enums: string[];
  sequences: string[];
}

const QUERIES: Record<keyof Catalog, string> = {
  tables: `SELECT tablename AS row FROM pg_tables WHERE schemaname = 'public'`,
  columns: `SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                   || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
                   || COALESCE(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') AS row
              FROM pg_attribute a
              JOIN pg_class c ON c.oid = a.attrelid AND c.relkind = 'r'
              JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
              LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE a.attnum > 0 AND NOT a.attisdropped`,
  constraints: `SELECT c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid) AS row
                  FROM pg_constraint k
                  JOIN pg_class c ON c.oid = k.conrelid
                  JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'`,
  indexes: `SELECT indexdef AS row FROM pg_indexes WHERE schemaname = 'public'`,
  enums: `SELECT t.typname || ' (' || string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder) || ')' AS row
            FROM pg_type t
            JOIN pg_enum e ON e.enumtypid = t.oid
            JOIN pg_namespace n ON n.oid = t.typnamespace AND n.nspname = 'public'
           GROUP BY t.typname`,
  sequences: `SELECT sequencename || ' ' || data_type AS row FROM pg_sequences WHERE schemaname = 'public'`,
};

/**
 * Reads the public schema's catalog, leaving out Prisma's history table. Triggers,
 * functions and the `guard_` checks and partial indexes are left out on purpose:
 * migrations add them by hand, schema.prisma cannot express them.
 */
export async function readCatalog(connectionString: string): Promise<Catalog> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    // One statement at a time: a client runs them in turn anyway (node-postgres deprecates queueing them).
    const entries: Array<readonly [keyof Catalog, string[]]> = [];
    for (const key of Object.keys(QUERIES) as (keyof Catalog)[]) {
      const { rows } = await client.query<{ row: string }>(QUERIES[key]);
      const values = rows.map((r) => r.row).filter((row) => !row.includes('_prisma_migrations') && !/\bguard_/.test(row));
      entries.push([key, values.sort()] as const);
    }
    return Object.fromEntries(entries) as unknown as Catalog;
  } finally {
    await client.end();
  }
}
