/**
 * What the contest module reads and writes, declared once: its facts (the participant's
 * application, loaded by core before each turn), its program section, its effects and
 * what they come to.
 */
import type { ModuleDeps } from '../engine/module.ts';
import type { Answers } from '../engine/types.ts';
import type { ContestConfig } from './contest-config.ts';

export type ApplicationStatus = 'draft' | 'submitted' | 'withdrawn';

/** The participant's application as the flow may see it (already unsealed by core). */
export interface ApplicationFacts {
  status: ApplicationStatus;
  receiptNumber: string | null;
  answers: Answers;
  hasDocument: boolean;
}

/** The contest's effects; core/modules/contest.server-module.ts handles each. */
export type ContestEffect =
  | { type: 'saveAnswers'; answers: Answers }
  | { type: 'discardDraft' }
  | { type: 'attachDocument'; sourceMessageId: string }
  | { type: 'submitApplication' }
  | { type: 'withdrawApplication' };

/**
 * What a submission came to: submitted (a second tap too: the receipt number it already
 * had), or refused (the application cannot be submitted from the state it is in).
 */
export type ContestOutcome =
  | { effect: 'submitApplication'; result: 'submitted'; facts: { receiptNumber: string } }
  | { effect: 'submitApplication'; result: 'refused' };

export interface ContestTypes {
  facts: ApplicationFacts | null;
  config: ContestConfig;
  effect: ContestEffect;
  outcome: ContestOutcome;
}

/** The module's id: its facts are `deps.facts.contest`, its section `program.contest`. */
export const CONTEST_MODULE = 'contest';

/** What the contest's flows read. */
export type ContestDeps = ModuleDeps<typeof CONTEST_MODULE, ContestTypes>;

/** The program as the contest reads it: the shared sections and its own. */
export type ContestProgram = ContestDeps['program'];
