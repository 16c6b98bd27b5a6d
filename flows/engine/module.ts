/**
 * A flow module: one capability of the program (the contest application, event
 * registration, …) as data the engine reads. The engine imports no module; the registry
 * (flows/modules.ts) lists them, and core pairs each with its server side (facts loader
 * and effect handlers, core/modules/). docs/ARCHITECTURE.md "Adding a flow module".
 *
 * ```ts
 * export const eventModule: FlowModule<'event', EventTypes> = {
 *   id: 'event',
 *   flows: [registrationFlow],
 *   entries: [{ id: 'register', flow: 'event-registration', words: { ja: ['参加登録'], en: ['register'] } }],
 *   menu: [{ entry: 'register', order: 30, label: () => t('event.menu.register'), when: (deps) => deps.program.event.open }],
 *   config: eventSchema,
 *   catalog: eventCatalog,
 *   answer: (continuation, outcomes, deps) => …,
 * };
 * ```
 */
import type { z } from 'zod';
import type { Flow } from './flow.ts';
import type { EffectBase, EffectOutcome, FlowDeps, FlowMessage, FlowState, Text } from './types.ts';

/** The types a module declares once (for example flows/contest/contest-types.ts). */
export interface ModuleTypes {
  /** `deps.facts[id]`: what core loads for the module before each turn. */
  facts: unknown;
  /** `deps.program[id]`: the module's section of the program configuration. */
  config: unknown;
  /** The effects its flows return; each type is handled by a core service. */
  effect: EffectBase;
  /** What those effects come to (handlers return them; `answer` reads them). */
  outcome: EffectOutcome;
}

/** FlowDeps as a module's flows see them: its own facts and program section, typed. */
export type ModuleDeps<Id extends string, T extends ModuleTypes> = FlowDeps & {
  facts: { readonly [K in Id]: T['facts'] };
  program: { readonly [K in Id]: T['config'] };
};

/** Words that start one of the module's flows, from anywhere in the conversation. */
export interface Entry {
  /** Unique across modules and the engine's commands; its menu button sends `cmd:<id>`. */
  id: string;
  /** The flow it starts; the flow's `start` gets this entry's id. */
  flow: string;
  /** What people type for it, matched like every command (width, case, spaces and 「」 ignored). */
  words: { ja: readonly string[]; en: readonly string[] };
}

/** A button of the main menu that starts an entry. */
export interface MenuItem<D extends FlowDeps = FlowDeps> {
  entry: string;
  label(deps: D): Text;
  /** Whether the button shows (pure: from the clock, the program and the facts); absent: always. */
  when?(deps: D): boolean;
  /** Place among all modules' buttons, lower first; help, staff and language follow them. */
  order: number;
}

/** The module's own catalog entries, Japanese and English; each key starts with `<module id>.`. */
export interface ModuleCatalog {
  ja: Readonly<Record<string, string>>;
  en: Readonly<Record<string, string>>;
}

/** What a module says once its effects have run: messages, and where the flow goes (absent: where it said before). */
export interface FlowAnswer {
  state?: FlowState | null;
  messages: FlowMessage[];
}

export interface FlowModule<Id extends string = string, T extends ModuleTypes = ModuleTypes> {
  /** Names the module's facts (`deps.facts[id]`) and program section (`deps.program[id]`). */
  id: Id;
  flows: ReadonlyArray<Flow<ModuleDeps<Id, T>, T['effect']>>;
  entries: readonly Entry[];
  menu: ReadonlyArray<MenuItem<ModuleDeps<Id, T>>>;
  /** The program file's section under `id`, composed into the program schema. */
  config: z.ZodType<T['config']>;
  /** Composed into the flat catalog by flows/catalog/catalog.ts. */
  catalog?: ModuleCatalog;
  /**
   * The answer of a flow outcome that had a `continuation`, from what its effects came to
   * (only this module's outcomes, in effect order). Pure, like every flow function.
   */
  answer?(continuation: string, outcomes: ReadonlyArray<T['outcome']>, deps: ModuleDeps<Id, T>): FlowAnswer;
}

/** Any module, as the engine and the registry hold them. */
export type AnyFlowModule = FlowModule<string, ModuleTypes>;
