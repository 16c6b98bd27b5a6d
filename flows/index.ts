/** The flows package: pure conversation logic shared by every channel. */
import { flowEngine } from './modules.ts';

/** The program's engine, bound: `advance` a turn, then `answer` once its effects ran. */
export const { advance, answer, choiceLabel, mainMenu } = flowEngine;
export { flowEngine, flowModules, type Effect, type ModuleFacts, type Outcome, type TypesOf } from './modules.ts';
export { initialState } from './engine/advance.ts';
export { createFlowEngine, type FlowEngine } from './engine/engine.ts';
export { programSchemaOf } from './engine/program-schema.ts';
export type { AnyFlowModule, Entry, FlowAnswer, FlowModule, MenuItem, ModuleCatalog, ModuleDeps, ModuleTypes } from './engine/module.ts';
export type { Flow, FlowOutcome } from './engine/flow.ts';
export { translate, isMessageKey, type MessageKey } from './catalog/catalog.ts';
export { translateText } from './engine/text.ts';
export { programSchema, type ProgramConfig } from './program.ts';
export { CONTEST_FLOW_ID } from './contest/contest-application.flow.ts';
export type { ApplicationFacts, ApplicationStatus, ContestTypes } from './contest/contest-types.ts';
export { ENGINE_EFFECT_TYPES } from './engine/types.ts';
export type * from './engine/types.ts';
