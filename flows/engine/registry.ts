/**
 * The modules the engine runs, looked up the ways the engine needs them: flows by id,
 * commands by word and button, menu buttons in order. Built once per module list;
 * a module that contradicts another (an id, a word or a flow taken twice) fails here, at
 * start-up, not in a conversation.
 */
import { commandTable, type CommandTable } from './commands.ts';
import type { Flow } from './flow.ts';
import type { AnyFlowModule, Entry, MenuItem } from './module.ts';

export interface Registry {
  modules: readonly AnyFlowModule[];
  commands: CommandTable;
  flows: ReadonlyMap<string, { flow: Flow; module: AnyFlowModule }>;
  entries: ReadonlyMap<string, Entry>;
  /** Every module's menu buttons, by `order`, ties in registry order. */
  menu: readonly MenuItem[];
}

export function buildRegistry(modules: readonly AnyFlowModule[]): Registry {
  const byId = new Map<string, AnyFlowModule>();
  const flows = new Map<string, { flow: Flow; module: AnyFlowModule }>();
  const entries = new Map<string, Entry>();
  for (const module of modules) {
    if (!/^[a-z][a-z0-9-]{1,30}$/.test(module.id)) throw new Error(`flow module id "${module.id}" must be lower-case letters, digits and dashes`);
    if (byId.has(module.id)) throw new Error(`flow module ${module.id} is registered twice`);
    byId.set(module.id, module);
    for (const flow of module.flows) {
      if (flows.has(flow.id)) throw new Error(`flow ${flow.id} belongs to two modules`);
      flows.set(flow.id, { flow, module });
    }
    for (const entry of module.entries) {
      if (!module.flows.some((f) => f.id === entry.flow)) throw new Error(`entry ${entry.id} of ${module.id} starts ${entry.flow}, which is not its flow`);
      if (entries.has(entry.id)) throw new Error(`entry ${entry.id} is declared by two modules`);
      entries.set(entry.id, entry);
    }
    for (const item of module.menu) {
      if (!module.entries.some((e) => e.id === item.entry)) throw new Error(`menu item of ${module.id} starts ${item.entry}, which is not its entry`);
    }
    checkCatalog(module);
  }
  const menu: MenuItem[] = modules.flatMap((module) => module.menu);
  return {
    modules,
    commands: commandTable([...entries.values()]),
    flows,
    entries,
    menu: menu.map((item, index) => ({ item, index })).sort((a, b) => a.item.order - b.item.order || a.index - b.index).map((x) => x.item),
  };
}

function checkCatalog(module: AnyFlowModule): void {
  if (!module.catalog) return;
  const ja = Object.keys(module.catalog.ja).sort();
  const en = Object.keys(module.catalog.en).sort();
  if (ja.join('\n') !== en.join('\n')) throw new Error(`catalog of ${module.id}: Japanese and English keys differ`);
  const foreign = ja.find((key) => !key.startsWith(`${module.id}.`));
  if (foreign) throw new Error(`catalog of ${module.id}: key ${foreign} must start with "${module.id}."`);
}
