/**
 * Server modules looked up the ways a turn needs them: the handler of an effect type, the
 * facts of every module for a batch. A module that claims an effect type another module
 * (or the engine) has fails here, at start-up.
 */
import { ENGINE_EFFECT_TYPES, type EffectBase } from '../../flows/index.ts';
import type { SqlClient } from '../db/types.ts';
import type { AnyServerModule, ModuleScope } from './server-module.ts';

export interface ServerRegistry {
  modules: readonly AnyServerModule[];
  /** The module that handles this effect type. */
  ownerOf(effectType: string): AnyServerModule | undefined;
  /** Whether a turn with these effects should run after the others of its batch (ServerModule.lateEffects). */
  runsLate(effects: readonly EffectBase[]): boolean;
  /** Where a late turn with these effects runs among the others (ServerModule.lockKey): the smallest of its effects' keys. */
  lockKeyOf(effects: readonly EffectBase[]): string;
}

export function serverRegistry(modules: readonly AnyServerModule[]): ServerRegistry {
  const owners = new Map<string, AnyServerModule>();
  const late = new Set<string>();
  const ids = new Set<string>();
  for (const module of modules) {
    if (ids.has(module.id)) throw new Error(`server module ${module.id} is registered twice`);
    ids.add(module.id);
    for (const type of Object.keys(module.handlers)) {
      if (ENGINE_EFFECT_TYPES.has(type)) throw new Error(`effect ${type} of ${module.id} is one of the engine's`);
      const other = owners.get(type);
      if (other) throw new Error(`effect ${type} is handled by both ${other.id} and ${module.id}`);
      owners.set(type, module);
    }
    for (const type of module.lateEffects ?? []) late.add(type);
  }
  return {
    modules,
    ownerOf: (type) => owners.get(type),
    runsLate: (effects) => effects.some((e) => late.has(e.type)),
    lockKeyOf: (effects) => effects
      .filter((e) => !ENGINE_EFFECT_TYPES.has(e.type))
      .map((e) => owners.get(e.type)?.lockKey?.(e) ?? e.type)
      .sort()[0] ?? '',
  };
}

/**
 * Every module's facts for these participants, by module id: one query per module for
 * the whole batch.
 */
export async function loadModuleFacts(
  db: SqlClient, registry: ServerRegistry, scope: ModuleScope, participantIds: readonly string[],
): Promise<(participantId: string) => Record<string, unknown>> {
  const loaded: Array<[string, (participantId: string) => unknown]> = [];
  for (const module of registry.modules) loaded.push([module.id, await module.loadFacts(db, scope, participantIds)]);
  return (participantId) => Object.fromEntries(loaded.map(([id, factsOf]) => [id, factsOf(participantId)]));
}
