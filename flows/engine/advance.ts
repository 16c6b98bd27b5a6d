/**
 * The one entry point of the conversation engine:
 * `advance(state, input, deps)` → new state, messages and effects. Pure.
 */
import { contestApplicationFlow } from '../contest/contest-application.flow.ts';
import { mainMenu } from '../menu/main-menu.ts';
import { recognizeCommand, type Command } from './commands.ts';
import type { Flow, FlowOutcome } from './flow.ts';
import { choiceMatches } from './choice-match.ts';
import { t } from './text.ts';
import type { ConversationState, FlowDeps, FlowInput, FlowState, StepResult } from './types.ts';

const flows: Record<string, Flow> = { [contestApplicationFlow.id]: contestApplicationFlow };

export const initialState = (): ConversationState => ({ active: null, misunderstood: 0 });

export function advance(state: ConversationState, input: FlowInput, deps: FlowDeps): StepResult {
  if (input.type === 'follow') {
    return result(null, [{ type: 'text', text: t(input.returning ? 'greeting.back' : 'greeting') }, mainMenu(deps)]);
  }
  // A person has the conversation: the bot says nothing and passes everything on.
  if (deps.handoffOpen) return { state, messages: [], effects: [{ type: 'forwardToStaff' }] };
  const flow = state.active ? flows[state.active.flowId] : undefined;
  const command = recognizeCommand(input);
  if (command && !(flow && state.active && answersCurrentStep(command, flow, state.active, input, deps))) {
    return runCommand(command, state, deps);
  }
  if (flow && state.active) return fromOutcome(flow.handle(state.active, input, deps));
  for (const candidate of Object.values(flows)) {
    const resumed = candidate.resumeFor?.(input);
    if (resumed) return fromOutcome(candidate.handle(resumed, input, deps));
  }
  // Outside a flow, anything not understood gets the menu: the bot is never silent. The
  // second typed message in a row it does not understand hands the person to staff
  // (stickers and images only get the menu: they are often a thank-you).
  const typed = input.type === 'text';
  if (typed && deps.handoffAvailable && state.misunderstood + 1 >= MISUNDERSTOOD_BEFORE_HANDOFF) return handOff('misunderstood', state);
  return {
    state: { active: null, misunderstood: typed ? state.misunderstood + 1 : state.misunderstood },
    messages: [mainMenu(deps, t('misunderstood'))],
    effects: [],
  };
}

/**
 * An entry word typed as one of the current step's own buttons is that answer:
 * 「応募する」 on the confirmation card submits rather than restarting the application.
 * Menu, cancel, back and help always keep their meaning.
 */
function answersCurrentStep(command: Command, flow: Flow, active: FlowState, input: FlowInput, deps: FlowDeps): boolean {
  if (input.type !== 'text' || (command.name !== 'apply' && command.name !== 'review')) return false;
  return flow.offers(active, deps).some((choice) => choiceMatches(choice, input.text));
}

function runCommand(command: Command, state: ConversationState, deps: FlowDeps): StepResult {
  const active = state.active;
  const flow = active ? flows[active.flowId] : undefined;
  switch (command.name) {
    case 'apply':
      return fromOutcome(contestApplicationFlow.start(deps, 'apply'));
    case 'review':
      return fromOutcome(contestApplicationFlow.start(deps, 'review'));
    case 'menu':
      return result(null, [mainMenu(deps)]);
    case 'staff': {
      if (deps.handoffAvailable) return handOff('asked', state);
      const unavailable = { type: 'text' as const, text: t('handoff.unavailable', { contact: { literal: deps.program.contest.privacy.contact } }) };
      if (!flow || !active) return result(null, [unavailable, mainMenu(deps)]);
      // In a flow: the question again, so the next answer is not taken for something unseen.
      const again = flow.repeat(active, deps);
      return { ...fromOutcome(again), messages: [unavailable, ...again.messages] };
    }
    case 'cancel':
      return result(null, active ? [mainMenu(deps, t('cancelled'))] : [mainMenu(deps)]);
    case 'back':
      return flow && active ? fromOutcome(flow.back(active, deps)) : result(null, [mainMenu(deps)]);
    case 'help': {
      const help = { type: 'text' as const, text: t('help') };
      if (!flow || !active) return result(null, [help, mainMenu(deps)]);
      const again = flow.repeat(active, deps);
      return { ...fromOutcome(again), messages: [help, ...again.messages] };
    }
    case 'language': {
      const switched = { ...deps, language: command.language };
      const setLanguage = { type: 'setLanguage' as const, language: command.language };
      const done = { type: 'text' as const, text: t('language.switched') };
      if (!flow || !active) return { ...result(null, [done, mainMenu(switched)]), effects: [setLanguage] };
      const again = flow.repeat(active, switched);
      return { ...fromOutcome(again), messages: [done, ...again.messages], effects: [setLanguage] };
    }
  }
}

/** Unrecognised messages in a row after which a person takes over. */
const MISUNDERSTOOD_BEFORE_HANDOFF = 2;

/** Hands over to a person; a flow in progress is kept, to resume once staff close the conversation. */
function handOff(reason: 'asked' | 'misunderstood', state: ConversationState): StepResult {
  return {
    state: { active: state.active, misunderstood: 0 },
    messages: [{ type: 'text', text: t(reason === 'asked' ? 'handoff.opened' : 'handoff.openedMisunderstood') }],
    effects: [{ type: 'openHandoff', reason }],
  };
}

function fromOutcome(outcome: FlowOutcome): StepResult {
  return { state: { active: outcome.state, misunderstood: 0 }, messages: outcome.messages, effects: outcome.effects };
}

function result(active: ConversationState['active'], messages: StepResult['messages']): StepResult {
  return { state: { active, misunderstood: 0 }, messages, effects: [] };
}
