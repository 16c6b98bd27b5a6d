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
import { MY_NUMBER_MARK } from '../validators/my-number.ts';
import { commandValue, recognizeCommand, type Command } from './commands.ts';
import { contactText, hoursText, staffAvailability } from './contact.ts';
import type { Flow, FlowOutcome } from './flow.ts';
import { choiceMatches } from './choice-match.ts';
import { mainMenu } from './menu.ts';
import type { AnyFlowModule } from './module.ts';
import type { Registry } from './registry.ts';
import { t } from './text.ts';
import type { ConversationState, EngineEffect, FlowDeps, FlowInput, FlowMessage, FlowState, StepResult, Text } from './types.ts';

export const initialState = (): ConversationState => ({ active: null, misunderstood: 0 });

/** A flow with the module it belongs to (continuations name the module). */
interface Owned {
  flow: Flow;
  module: AnyFlowModule;
}

export function advance(registry: Registry, state: ConversationState, input: FlowInput, deps: FlowDeps): StepResult {
  if (input.type === 'follow') {
    return result(null, [say(t(input.returning ? 'greeting.back' : 'greeting')), mainMenu(registry, deps)]);
  }
  if (input.type === 'unsent') return unsent(registry, state, { removed: input.removed, kept: input.kept ?? [] }, deps);
  const command = recognizeCommand(input, registry.commands);
  if (deps.handoffOpen) return withStaff(registry, state, input, command, deps);
  return withBot(registry, state, input, command, deps);
}

/** The bot has the conversation. */
function withBot(registry: Registry, state: ConversationState, input: FlowInput, command: Command | null, deps: FlowDeps): StepResult {
  const owned = activeFlow(registry, state);
  if (command && !(owned && answersCurrentStep(command, owned.flow, state.active!, input, deps))) {
    return runCommand(registry, command, state, deps);
  }
  if (owned) return fromOutcome(owned, owned.flow.handle(state.active!, input, deps));
  const resumed = resume(registry, input, deps);
  if (resumed) return resumed;
  if (removedMyNumber(input)) return result(null, [mainMenu(registry, deps, t('myNumber.removed'))]);
  // Outside a flow, anything not understood gets what the bot can do and the menu: the
  // bot is never silent. Stickers and images do not count (they are often a thank-you).
  const typed = input.type === 'text';
  const misunderstood = typed ? state.misunderstood + 1 : state.misunderstood;
  const again = misunderstood >= OFFER_STAFF_AFTER && deps.handoffAvailable;
  const menu = again
    ? mainMenu(registry, deps, t('misunderstood.offerStaff', { hours: hoursText(deps.program) }), { staffFirst: true })
    : mainMenu(registry, deps, t('misunderstood'));
  return { state: { active: null, misunderstood }, messages: [menu], effects: [] };
}

/** A person has the conversation: what the participant writes goes to them, but the menu words still work. */
function withStaff(registry: Registry, state: ConversationState, input: FlowInput, command: Command | null, deps: FlowDeps): StepResult {
  const owned = activeFlow(registry, state);
  if (command?.name === 'staff') {
    return { state, messages: [mainMenu(registry, deps, t('handoff.alreadyOpen', { hours: hoursText(deps.program) }))], effects: [] };
  }
  if (command && !(owned && answersCurrentStep(command, owned.flow, state.active!, input, deps))) {
    const answered = runCommand(registry, command, state, deps);
    if (command.name === 'endHandoff') return answered;
    const note = answered.state.active ? 'handoff.stillOpenInFlow' : 'handoff.stillOpen';
    return { ...answered, messages: [say(t(note)), ...answered.messages] };
  }
  // A flow the person started again from the menu takes its answers.
  if (owned) return fromOutcome(owned, owned.flow.handle(state.active!, input, deps));
  // An input a flow takes even now (a missing plan document); anything else is for staff.
  const resumed = resume(registry, input, deps);
  if (resumed) return resumed;
  const forward: EngineEffect = { type: 'forwardToStaff' };
  if (removedMyNumber(input)) return { state, messages: [say(t('handoff.myNumber'))], effects: [forward] };
  return { state, messages: [], effects: [forward] };
}

/**
 * An entry word typed as one of the current step's own buttons is that answer (the
 * contest's 「応募する」 on its confirmation card submits rather than restarting).
 * Menu, cancel, back and help always keep their meaning.
 */
function answersCurrentStep(command: Command, flow: Flow, active: FlowState, input: FlowInput, deps: FlowDeps): boolean {
  if (input.type !== 'text' || command.name !== 'enter') return false;
  return flow.offers(active, deps).some((choice) => choiceMatches(choice, input.text));
}

function runCommand(registry: Registry, command: Command, state: ConversationState, deps: FlowDeps): StepResult {
  const active = state.active;
  const owned = activeFlow(registry, state);
  const flow = owned?.flow;
  switch (command.name) {
    case 'enter': {
      const entry = registry.entries.get(command.entry)!;
      const starting = registry.flows.get(entry.flow)!;
      return fromOutcome(starting, starting.flow.start(deps, entry.id));
    }
    case 'menu':
      return result(null, [mainMenu(registry, deps)]);
    case 'staff': {
      if (deps.handoffAvailable) return handOff(registry, state, deps);
      const unavailable = say(t('handoff.unavailable', { contact: contactText(deps.program) }));
      if (!owned || !flow || !active) return result(null, [unavailable, mainMenu(registry, deps)]);
      // In a flow: the question again, so the next answer is not taken for something unseen.
      const again = flow.repeat(active, deps);
      return { ...fromOutcome(owned, again), messages: [unavailable, ...again.messages] };
    }
    case 'endHandoff': {
      if (!deps.handoffOpen) return result(active, [mainMenu(registry, deps, t('handoff.notOpen'))]);
      const ended = { ...deps, handoffOpen: false };
      return { state: { active, misunderstood: 0 }, messages: [mainMenu(registry, ended, t('handoff.endedByParticipant'))], effects: [{ type: 'endHandoff' }] };
    }
    case 'cancel':
      return result(null, active ? [mainMenu(registry, deps, t('cancelled'))] : [mainMenu(registry, deps)]);
    case 'back':
      return owned && flow && active ? fromOutcome(owned, flow.back(active, deps)) : result(null, [mainMenu(registry, deps)]);
    case 'help': {
      const help = say(t('help', { contact: contactText(deps.program) }));
      if (!owned || !flow || !active) return result(null, [help, mainMenu(registry, deps)]);
      const again = flow.repeat(active, deps);
      return { ...fromOutcome(owned, again), messages: [help, ...again.messages] };
    }
    case 'language': {
      const switched = { ...deps, language: command.language };
      const setLanguage = { type: 'setLanguage' as const, language: command.language };
      const done = say(t('language.switched'));
      if (!owned || !flow || !active) return { ...result(null, [done, mainMenu(registry, switched)]), effects: [setLanguage] };
      const again = flow.repeat(active, switched);
      return { ...fromOutcome(owned, again), messages: [done, ...again.messages], effects: [setLanguage] };
    }
  }
}

/** Unrecognised messages in a row after which the menu leads with "talk to staff". */
const OFFER_STAFF_AFTER = 2;

/**
 * Hands over to a person, saying when staff answer. A flow in progress stops (its
 * module keeps the answers, as the contest keeps its draft, and the entry word resumes
 * it), so that what the person writes next reaches staff rather than the flow.
 */
function handOff(registry: Registry, state: ConversationState, deps: FlowDeps): StepResult {
  const hours = hoursText(deps.program);
  const { open, next } = staffAvailability(deps.program, deps.now);
  const text = open || !next ? t('handoff.opened', { hours }) : t('handoff.openedAfterHours', { hours, next });
  const handoff: EngineEffect = { type: 'openHandoff', reason: state.misunderstood >= OFFER_STAFF_AFTER ? 'misunderstood' : 'asked' };
  return {
    state: { active: null, misunderstood: 0 },
    messages: [mainMenu(registry, { ...deps, handoffOpen: true }, text)],
    effects: [handoff],
  };
}

/** Answers were taken back with the message they came from: the flow that owns them asks again. */
function unsent(registry: Registry, state: ConversationState, answers: { removed: string[]; kept: string[] }, deps: FlowDeps): StepResult {
  if ((answers.removed.length === 0 && answers.kept.length === 0) || deps.handoffOpen) return { state, messages: [], effects: [] };
  for (const owned of registry.flows.values()) {
    const outcome = owned.flow.reask?.(answers, state.active, deps);
    if (outcome) return fromOutcome(owned, outcome);
  }
  return { state, messages: [], effects: [] };
}

/** An input a flow takes while it is not active (a card's button in the history, a late document). */
function resume(registry: Registry, input: FlowInput, deps: FlowDeps): StepResult | null {
  for (const owned of registry.flows.values()) {
    const resumed = owned.flow.resumeFor?.(input, deps);
    if (resumed) return fromOutcome(owned, owned.flow.handle(resumed, input, deps));
  }
  return null;
}

/**
 * What a tapped button said, as the person saw it (for the record staff read): a menu
 * word, or one of the current step's choices. Null when it is neither.
 */
export function choiceLabel(registry: Registry, state: ConversationState, value: string, deps: FlowDeps): Text | null {
  const menu = mainMenu(registry, deps);
  const inMenu = menu.type === 'text' ? menu.choices?.find((c) => c.value === value) : undefined;
  if (inMenu) return inMenu.label;
  if (value === commandValue({ name: 'endHandoff' })) return t('menu.endHandoff');
  const owned = activeFlow(registry, state);
  return owned?.flow.offers(state.active!, deps).find((c) => c.value === value)?.label ?? null;
}

function removedMyNumber(input: FlowInput): boolean {
  return input.type === 'text' && input.text.includes(MY_NUMBER_MARK);
}

function activeFlow(registry: Registry, state: ConversationState): Owned | undefined {
  return state.active ? registry.flows.get(state.active.flowId) : undefined;
}

function fromOutcome(owned: Owned, outcome: FlowOutcome): StepResult {
  const step: StepResult = { state: { active: outcome.state, misunderstood: 0 }, messages: outcome.messages, effects: outcome.effects };
  if (outcome.continuation) step.continuation = { module: owned.module.id, id: outcome.continuation };
  return step;
}

function result(active: ConversationState['active'], messages: FlowMessage[]): StepResult {
  return { state: { active, misunderstood: 0 }, messages, effects: [] };
}

function say(text: Text): FlowMessage {
  return { type: 'text', text };
}
