/** The flows package: pure conversation logic shared by every channel. */
export { advance, choiceLabel, initialState } from './engine/advance.ts';
export { translate, isMessageKey, type MessageKey } from './catalog/catalog.ts';
export { translateText } from './engine/text.ts';
export { programSchema, type ProgramConfig } from './program.ts';
export { CONTEST_FLOW_ID } from './contest/contest-application.flow.ts';
export type * from './engine/types.ts';
