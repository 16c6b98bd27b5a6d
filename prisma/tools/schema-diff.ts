import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPg } from '@prisma/adapter-pg';
import { SchemaEngine, type DiffTarget } from '@prisma/schema-engine-wasm';
import pg from 'pg';

/** Two versions of schema.prisma to compare; `null` stands for an empty database. */
export interface SchemaDiffRequest {
  from: string | null;
  to: string | null;
}

const NO_FILTERS = { externalTables: [], externalEnums: [] };

/**
 * The SQL that turns the `from` datamodel into the `to` datamodel, one script per request,
 * computed by Prisma's schema engine compiled to WebAssembly (the native engine cannot be
 * installed here). Same output as `prisma migrate diff --script`.
 *
 * The engine insists on a live PostgreSQL connection although a datamodel diff reads
 * nothing from it. Importing this module needs `node --experimental-wasm-modules` on
 * Node 20; other code calls it through `diffSchemasInChildProcess` (schema-diff-client.ts).
 */
export async function diffSchemas(requests: SchemaDiffRequest[], connectionString: string): Promise<string[]> {
  const someSchema = requests.map((request) => request.to ?? request.from).find((schema) => schema !== null);
  if (someSchema === undefined) throw new Error('schema diff: at least one side of a request must be a schema');
  const pool = new pg.Pool({ connectionString, max: 2 });
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg(pool));
  const engine = await SchemaEngine.new({ datamodels: [['schema.prisma', someSchema]] }, () => undefined, adapter);
  try {
    const scripts: string[] = [];
    for (const request of requests) {
      const result = await engine.diff({
        from: diffTarget(request.from),
        to: diffTarget(request.to),
        script: true,
        exitCode: null,
        filters: NO_FILTERS,
      });
      scripts.push(result.stdout ?? '');
    }
    return scripts;
  } finally {
    engine.free();
    await pool.end();
  }
}

function diffTarget(schema: string | null): DiffTarget {
  if (schema === null) return { tag: 'empty' };
  return { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] };
}

