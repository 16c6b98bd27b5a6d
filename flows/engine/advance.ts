/**
 * The one entry point of the conversation engine:
 * `advance(state, input, deps)` → new state, messages and effects. Pure.
 *
 * The rule for people the bot does not understand, and for conversations with staff
 * (README "Talking to a person"):
 * - Outside a flow, a message the bot does not understand is answered with what it can
 *   do and the menu; from the second in a row on, the menu leads with "talk to staff".
 *   Nobody is handed to staff without asking for it.
 * - A person who asks is handed over and told when staff answer (office hours; outside
 *   them, when the office opens next). During the conversation everything the person
 *   writes goes to staff, except the menu words, which keep working (each answer says
 *   the conversation with staff stays open), and a flow the person starts again from the
 *   menu. 「相談を終える」 ends it from the person's side; staff can end it too.
 */
import { contestApplicationFlow } from '../contest/contest-application.flow.ts';
import { mainMenu } from '../menu/main-menu.ts';
import { MY_NUMBER_MARK } from '../validators/my-number.ts';
import { commandValue, recognizeCommand, type Command } from './commands.ts';
import { contactText, hoursText, staffAvailability } from './contact.ts';
import type { Flow, FlowOutcome } from './flow.ts';
import { choiceMatches } from './choice-match.ts';
import { t } from './text.ts';
import type { ConversationState, Effect, FlowDeps, FlowInput, FlowMessage, FlowState, StepResult, Text } from './types.ts';

const flows: Record<string, Flow> = { [contestApplicationFlow.id]: contestApplicationFlow };

export const initialState = (): ConversationState => ({ active: null, misunderstood: 0 });

export function advance(state: ConversationState, input: FlowInput, deps: FlowDeps): StepResult {
  if (input.type === 'follow') {
    return result(null, [say(t(input.returning ? 'greeting.back' : 'greeting')), mainMenu(deps)]);
  }
  if (input.type === 'unsent') return unsent(state, { removed: input.removed, kept: input.kept ?? [] }, deps);
  const command = recognizeCommand(input);
  if (deps.handoffOpen) return withStaff(state, input, command, deps);
  return withBot(state, input, command, deps);
}

/** The bot has the conversation. */
function withBot(state: ConversationState, input: FlowInput, command: Command | null, deps: FlowDeps): StepResult {
  const flow = activeFlow(state);
  if (command && !(flow && answersCurrentStep(command, flow, state.active!, input, deps))) {
    return runCommand(command, state, deps);
  }
  if (flow) return fromOutcome(flow.handle(state.active!, input, deps));
  const resumed = resume(input, deps);
  if (resumed) return resumed;
  if (removedMyNumber(input)) return result(null, [mainMenu(deps, t('myNumber.removed'))]);
  // Outside a flow, anything not understood gets what the bot can do and the menu: the
  // bot is never silent. Stickers and images do not count (they are often a thank-you).
  const typed = input.type === 'text';
  const misunderstood = typed ? state.misunderstood + 1 : state.misunderstood;
  const again = misunderstood >= OFFER_STAFF_AFTER && deps.handoffAvailable;
  const menu = again
    ? mainMenu(deps, t('misunderstood.offerStaff', { hours: hoursText(deps.program) }), { staffFirst: true })
    : mainMenu(deps, t('misunderstood'));
  return { state: { active: null, misunderstood }, messages: [menu], effects: [] };
}

/** A person has the conversation: what the participant writes goes to them, but the menu words still work. */
function withStaff(state: ConversationState, input: FlowInput, command: Command | null, deps: FlowDeps): StepResult {
  const flow = activeFlow(state);
  if (command?.name === 'staff') {
    return { state, messages: [mainMenu(deps, t('handoff.alreadyOpen', { hours: hoursText(deps.program) }))], effects: [] };
  }
  if (command && !(flow && answersCurrentStep(command, flow, state.active!, input, deps))) {
    const answered = runCommand(command, state, deps);
    if (command.name === 'endHandoff') return answered;
    const note = answered.state.active ? 'handoff.stillOpenInFlow' : 'handoff.stillOpen';
    return { ...answered, messages: [say(t(note)), ...answered.messages] };
  }
  // A flow the person started again from the menu takes its answers.
  if (flow) return fromOutcome(flow.handle(state.active!, input, deps));
  // An input a flow takes even now (a missing plan document); anything else is for staff.
  const resumed = resume(input, deps);
  if (resumed) return resumed;
  const forward: Effect = { type: 'forwardToStaff' };
  if (removedMyNumber(input)) return { state, messages: [say(t('handoff.myNumber'))], effects: [forward] };
  return { state, messages: [], effects: [forward] };
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
  const flow = activeFlow(state);
  switch (command.name) {
    case 'apply':
      return fromOutcome(contestApplicationFlow.start(deps, 'apply'));
    case 'review':
      return fromOutcome(contestApplicationFlow.start(deps, 'review'));
    case 'menu':
      return result(null, [mainMenu(deps)]);
    case 'staff': {
      if (deps.handoffAvailable) return handOff(state, deps);
      const unavailable = say(t('handoff.unavailable', { contact: contactText(deps.program) }));
      if (!flow || !active) return result(null, [unavailable, mainMenu(deps)]);
      // In a flow: the question again, so the next answer is not taken for something unseen.
      const again = flow.repeat(active, deps);
      return { ...fromOutcome(again), messages: [unavailable, ...again.messages] };
    }
    case 'endHandoff': {
      if (!deps.handoffOpen) return result(active, [mainMenu(deps, t('handoff.notOpen'))]);
      const ended = { ...deps, handoffOpen: false };
      return { state: { active, misunderstood: 0 }, messages: [mainMenu(ended, t('handoff.endedByParticipant'))], effects: [{ type: 'endHandoff' }] };
    }
    case 'cancel':
      return result(null, active ? [mainMenu(deps, t('cancelled'))] : [mainMenu(deps)]);
    case 'back':
      return flow && active ? fromOutcome(flow.back(active, deps)) : result(null, [mainMenu(deps)]);
    case 'help': {
      const help = say(t('help', { contact: contactText(deps.program) }));
      if (!flow || !active) return result(null, [help, mainMenu(deps)]);
      const again = flow.repeat(active, deps);
      return { ...fromOutcome(again), messages: [help, ...again.messages] };
    }
    case 'language': {
      const switched = { ...deps, language: command.language };
      const setLanguage = { type: 'setLanguage' as const, language: command.language };
      const done = say(t('language.switched'));
      if (!flow || !active) return { ...result(null, [done, mainMenu(switched)]), effects: [setLanguage] };
      const again = flow.repeat(active, switched);
      return { ...fromOutcome(again), messages: [done, ...again.messages], effects: [setLanguage] };
    }
  }
}

/** Unrecognised messages in a row after which the menu leads with "talk to staff". */
const OFFER_STAFF_AFTER = 2;

/**
 * Hands over to a person, saying when staff answer. A flow in progress stops (its
 * answers are saved with the application, and 「応募」 resumes it), so that what the
 * person writes next reaches staff rather than the flow.
 */
function handOff(state: ConversationState, deps: FlowDeps): StepResult {
  const hours = hoursText(deps.program);
  const { open, next } = staffAvailability(deps.program, deps.now);
  const text = open || !next ? t('handoff.opened', { hours }) : t('handoff.openedAfterHours', { hours, next });
  const reason = state.misunderstood >= OFFER_STAFF_AFTER ? 'misunderstood' : 'asked';
  return {
    state: { active: null, misunderstood: 0 },
    messages: [mainMenu({ ...deps, handoffOpen: true }, text)],
    effects: [{ type: 'openHandoff', reason }],
  };
}

/** Answers were taken back with the message they came from: the flow that owns them asks again. */
function unsent(state: ConversationState, answers: { removed: string[]; kept: string[] }, deps: FlowDeps): StepResult {
  if ((answers.removed.length === 0 && answers.kept.length === 0) || deps.handoffOpen) return { state, messages: [], effects: [] };
  for (const flow of Object.values(flows)) {
    const outcome = flow.reask?.(answers, state.active, deps);
    if (outcome) return fromOutcome(outcome);
  }
  return { state, messages: [], effects: [] };
}

/** An input a flow takes while it is not active (a card's button in the history, a late document). */
function resume(input: FlowInput, deps: FlowDeps): StepResult | null {
  for (const candidate of Object.values(flows)) {
    const resumed = candidate.resumeFor?.(input, deps);
    if (resumed) return fromOutcome(candidate.handle(resumed, input, deps));
  }
  return null;
}

/**
 * What a tapped button said, as the person saw it (for the record staff read): a menu
 * word, or one of the current step's choices. Null when it is neither.
 */
export function choiceLabel(state: ConversationState, value: string, deps: FlowDeps): Text | null {
  const menu = mainMenu(deps);
  const inMenu = menu.type === 'text' ? menu.choices?.find((c) => c.value === value) : undefined;
  if (inMenu) return inMenu.label;
  if (value === commandValue({ name: 'endHandoff' })) return t('menu.endHandoff');
  const flow = activeFlow(state);
  return flow?.offers(state.active!, deps).find((c) => c.value === value)?.label ?? null;
}

function removedMyNumber(input: FlowInput): boolean {
  return input.type === 'text' && input.text.includes(MY_NUMBER_MARK);
}

function activeFlow(state: ConversationState): Flow | undefined {
  return state.active ? flows[state.active.flowId] : undefined;
}

function fromOutcome(outcome: FlowOutcome): StepResult {
  return { state: { active: outcome.state, misunderstood: 0 }, messages: outcome.messages, effects: outcome.effects };
}

function result(active: ConversationState['active'], messages: FlowMessage[]): StepResult {
  return { state: { active, misunderstood: 0 }, messages, effects: [] };
}

function say(text: Text): FlowMessage {
  return { type: 'text', text };
}
