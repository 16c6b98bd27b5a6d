/**
 * The program configuration as flows see it, composed in flows/modules.ts from the
 * shared sections (engine/base-program.ts) and each module's own (contest/contest-config.ts, …).
 */
export { programSchema, type ProgramConfig } from './modules.ts';
export { contestSchema, questionSchema, DEFAULT_FILE_MAX_BYTES, type ContestConfig, type Question } from './contest/contest-config.ts';
export type { ContactConfig, Localized, OfficeHours } from './engine/base-program.ts';
