/**
 * The registry: every flow module of the program, and what follows from the list — the
 * engine over them, the program configuration (shared sections plus one per module), and
 * the types of the facts, effects and outcomes the runtime carries between them. The
 * engine imports no module; this file is the one place that names them all (core pairs
 * each with its server side in core/modules/server-modules.ts).
 *
 * Adding a module: docs/ARCHITECTURE.md "Adding a flow module".
 */
import type { z } from 'zod';
import { contestModule } from './contest/contest.module.ts';
import { eventModule } from './event/event.module.ts';
import { seminarModule } from './seminar/seminar.module.ts';
import { boothsModule } from './consult/consult.module.ts';
import { myBookingsModule } from './my-bookings/my-bookings.module.ts';
import { createFlowEngine } from './engine/engine.ts';
import type { FlowModule, ModuleTypes } from './engine/module.ts';
import { programSchemaOf } from './engine/program-schema.ts';
import type { EngineEffect } from './engine/types.ts';

export const flowModules = [contestModule, eventModule, seminarModule, boothsModule, myBookingsModule] as const;

type Registered = (typeof flowModules)[number];
/** The types a module declared (its `FlowModule<Id, Types>`). */
export type TypesOf<M> = M extends FlowModule<string, infer T extends ModuleTypes> ? T : never;

/** Every module's facts under its id: what the runtime loads before each turn. */
export type ModuleFacts = { [M in Registered as M['id']]: TypesOf<M>['facts'] };
/** Every effect a flow can return. */
export type Effect = EngineEffect | TypesOf<Registered>['effect'];
/** Everything an effect can come to. */
export type Outcome = TypesOf<Registered>['outcome'];

/** The program configuration as flows see it (core adds the staff side's sections). */
export const programSchema = programSchemaOf(flowModules);
export type ProgramConfig = z.infer<typeof programSchema>;

/** The conversation engine over the program's modules. */
export const flowEngine = createFlowEngine<Effect>(flowModules);
