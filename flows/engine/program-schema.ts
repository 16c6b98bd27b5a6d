import { baseProgramSchema } from './base-program.ts';
import type { AnyFlowModule } from './module.ts';

/** Each module's section under its id: `{ contest: contestSchema, … }`. */
type Sections<M extends AnyFlowModule> = { [K in M as K['id']]: K['config'] };

/**
 * The program configuration for these modules: the shared sections plus each module's
 * own under its id. A module whose section may be missing (one added after programs were
 * written) makes its schema optional or gives it a default, so older program files load.
 */
export function programSchemaOf<const M extends readonly AnyFlowModule[]>(modules: M) {
  const shared = new Set(Object.keys(baseProgramSchema.shape));
  const clash = modules.find((m) => shared.has(m.id));
  if (clash) throw new Error(`flow module ${clash.id} would replace the program's own "${clash.id}" section`);
  const sections = Object.fromEntries(modules.map((m) => [m.id, m.config])) as Sections<M[number]>;
  return baseProgramSchema.extend(sections);
}
