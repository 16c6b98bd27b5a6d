/**
 * The business-plan contest application: consent, eligibility first, then the
 * configured questions, a confirmation card, submission, edits and withdrawal
 * until the deadline. Answers live on the application (deps.facts.contest); the
 * flow state only says which step is open.
 */
import { isMessageKey } from '../catalog/catalog.ts';
import { contactText } from '../engine/contact.ts';
import { calendarDate, formatInstant } from '../engine/dates.ts';
import type { Flow, FlowEntry, FlowOutcome } from '../engine/flow.ts';
import { parseInput, typedChoice } from '../engine/input.ts';
import type { FlowAnswer } from '../engine/module.ts';
import { firstUnanswered, pathOf, promptFor, pruneAnswers, repromptFor } from '../engine/step.ts';
import { t } from '../engine/text.ts';
import type { Answers, Choice, EngineEffect, FlowInput, FlowMessage, FlowState, Text } from '../engine/types.ts';
import { cardChoices, summaryCard, CONFIRM, WITHDRAW } from './contest-summary.ts';
import type { ContestDeps, ContestEffect, ContestOutcome } from './contest-types.ts';
import { checkEligibility } from './eligibility.ts';
import { contestSteps, type ContestStep } from './contest-steps.ts';

export const CONTEST_FLOW_ID = 'contest-application';

type ContestFlowOutcome = FlowOutcome<ContestEffect>;
/** What the flow returns: its own effects and the engine's (consent). */
type Effect = ContestEffect | EngineEffect;

/** The contest's call for applications has closed (its deadline is past). */
export function deadlinePassed(deps: Pick<ContestDeps, 'now' | 'program'>): boolean {
  return deps.now.getTime() > Date.parse(deps.program.contest.deadline);
}

/** The continuation of a submission: the answer waits for the receipt number, or the refusal. */
const SUBMITTED = 'submitted';

/** Pseudo-step: a PDF that arrived while the application waited for its plan document. */
const LATE_DOCUMENT = 'late-document';

export const contestApplicationFlow: Flow<ContestDeps, ContestEffect> = {
  id: CONTEST_FLOW_ID,
  start,
  handle,
  back,
  repeat,
  offers,
  resumeFor,
  reask,
};

/**
 * Taken while the flow is not active: a tap on an old card's button, and a PDF (the plan
 * document sent later, or a kind word why not). While staff have the conversation, only
 * a PDF that is the application's missing document; anything else is for staff.
 */
function resumeFor(input: FlowInput, deps: ContestDeps): FlowState | null {
  if (input.type === 'file') {
    const missing = deps.facts.contest?.status !== 'withdrawn' && missingDocumentStep(deps);
    return !deps.handoffOpen || missing ? { flowId: CONTEST_FLOW_ID, stepId: LATE_DOCUMENT } : null;
  }
  if (deps.handoffOpen) return null;
  return input.type === 'choice' && /^(submit|done|withdraw|change:\w+)$/.test(input.value)
    ? { flowId: CONTEST_FLOW_ID, stepId: CONFIRM }
    : null;
}

function start(deps: ContestDeps, entry: FlowEntry): ContestFlowOutcome {
  const closed = windowClosed(deps);
  if (closed) return closed;
  const application = deps.facts.contest;
  if (!application) {
    if (entry === 'review') return end([say(t('myApplication.none'))]);
    const contest = contestText(deps);
    const consent = stepsFor(deps, {}).find((s) => s.id === 'consent')!;
    return ask(consent, [t('contest.intro', contest)]);
  }
  if (application.status !== 'draft') return showCard(deps);
  const next = firstUnanswered(stepsFor(deps, application.answers), application.answers);
  return next ? ask(next, [t('contest.resume')]) : showCard(deps);
}

function handle(state: FlowState, input: FlowInput, deps: ContestDeps): ContestFlowOutcome {
  const closed = windowClosed(deps);
  if (closed) return closed;
  if (state.stepId === LATE_DOCUMENT) return lateDocument(input, deps);
  // A plan document sent at another question, while the application still lacks one, is that document.
  const documentStep = missingDocumentStep(deps);
  if (input.type === 'file' && documentStep && documentStep.id !== state.stepId) return documentThenBack(documentStep, state, input, deps);
  if (state.stepId === CONFIRM) return handleCard(state, input, deps);
  if (state.stepId === WITHDRAW) return handleWithdraw(input, deps);
  const answers = deps.facts.contest?.answers ?? {};
  const step = stepsFor(deps, answers).find((s) => s.id === state.stepId);
  if (!step) return start(deps, 'apply');
  // Eligibility was checked when the application was submitted: it is not asked again.
  if (step.lockedAfterSubmit && deps.facts.contest?.status === 'submitted' && answers[step.id] !== undefined) {
    const card = showCard(deps);
    return { ...card, messages: [say(t('answer.locked', { label: labelOf(step) })), ...card.messages] };
  }
  const parsed = parseInput(step.input, input, { today: today(deps), language: deps.language });
  if (!parsed.ok) return { state, messages: [reprompt(step, parsed.reason, parsed.params, parsed.suggestions)], effects: [] };
  if (step.id === 'consent') return consentGiven(parsed.value === 'yes', deps);
  return answered(step, parsed.value, parsed.document, state, deps);
}

function consentGiven(granted: boolean, deps: ContestDeps): ContestFlowOutcome {
  const privacy = deps.program.contest.privacy;
  const consent: Effect = { type: 'recordConsent', purpose: CONTEST_FLOW_ID, noticeVersion: privacy.noticeVersion, granted };
  if (!granted) return { state: null, messages: [say(t('consent.declined'))], effects: [consent] };
  const first = firstUnanswered(stepsFor(deps, {}), {})!;
  return { ...ask(first), effects: [consent, { type: 'saveAnswers', answers: {} }] };
}

function answered(
  step: ContestStep,
  value: string,
  document: { sourceMessageId: string; fileName: string } | undefined,
  state: FlowState,
  deps: ContestDeps,
): ContestFlowOutcome {
  const merged = { ...deps.facts.contest?.answers, [step.id]: value };
  const steps = stepsFor(deps, merged);
  const answers = pruneAnswers(steps, merged);
  const lead: Text[] = document ? [t('file.received', { fileName: document.fileName })] : [];
  const effects: Effect[] = [{ type: 'saveAnswers', answers }];
  if (document) effects.push({ type: 'attachDocument', sourceMessageId: document.sourceMessageId });

  const eligibility = checkEligibility(answers, deps.program.contest, deps.program.timeZone);
  if (eligibility.status === 'ineligible') return ineligible(eligibility.reason, deps);

  const next = firstUnanswered(steps, answers);
  if (!next) {
    if (deps.facts.contest?.status === 'submitted') lead.push(t('updated', { receiptNumber: deps.facts.contest.receiptNumber ?? '' }));
    return { ...showCard(deps, answers, lead), effects };
  }
  if (step.section === 'eligibility' && next.section !== 'eligibility') lead.push(t('eligibility.ok'));
  if (step.section !== 'plan' && next.section === 'plan') lead.push(t('section.plan'));
  return { ...ask(next, lead, state.returnTo), effects };
}

function ineligible(reason: 'noBase' | 'tooOld', deps: ContestDeps): ContestFlowOutcome {
  const contest = deps.program.contest;
  const otherSupport: Text = { literal: contest.otherSupport };
  const contact = contactText(deps.program);
  const text = reason === 'noBase'
    ? t('ineligible.noBase', { otherSupport, contact })
    : t('ineligible.tooOld', { otherSupport, contact, years: contest.eligibility.maxYearsSinceFounding });
  // Nothing is kept for someone who cannot apply: the draft goes, the consent record stays.
  return { state: null, messages: [say(text)], effects: [{ type: 'discardDraft' }] };
}

function handleCard(state: FlowState, input: FlowInput, deps: ContestDeps): ContestFlowOutcome {
  const application = deps.facts.contest;
  if (!application) return start(deps, 'apply');
  if (input.type === 'choice' && input.value === 'submit' && application.status === 'submitted') return submit(deps);
  // 「この内容で確定」 on cards sent before changes took effect at once: nothing left to confirm.
  if (input.type === 'choice' && input.value === 'done') {
    return end([say(t('confirm.saved', { receiptNumber: application.receiptNumber ?? '' }))]);
  }
  const card = summaryCard(stepsFor(deps, application.answers), application, deps);
  const parsed = parseInput({ kind: 'choice', choices: cardChoices(card) }, input, { today: today(deps), language: deps.language });
  if (!parsed.ok) return { state, messages: [say(t('reprompt.choice.unknown')), card], effects: [] };
  const [action, stepId] = parsed.value.split(':');
  if (action === 'change') return changeAnswer(stepId ?? '', deps);
  if (action === 'withdraw') return askWithdraw(deps);
  return submit(deps);
}

function changeAnswer(stepId: string, deps: ContestDeps): ContestFlowOutcome {
  const answers = deps.facts.contest?.answers ?? {};
  const step = pathOf(stepsFor(deps, answers), answers).find((s) => s.id === stepId);
  if (!step) return showCard(deps);
  return ask(step, [], CONFIRM);
}

function submit(deps: ContestDeps): ContestFlowOutcome {
  const application = deps.facts.contest!;
  if (application.status === 'submitted') {
    return end([say(t('alreadySubmitted', { receiptNumber: application.receiptNumber ?? '' }))]);
  }
  const missing = firstUnanswered(stepsFor(deps, application.answers), application.answers);
  if (missing) return ask(missing);
  return { state: null, messages: [], effects: [{ type: 'submitApplication' }], continuation: SUBMITTED };
}

/**
 * After the submission ran: the receipt number (filled in from the outcome), and a word
 * about the plan document if it is still missing; or, refused, the card to look at again.
 */
export function answerContest(continuation: string, outcomes: readonly ContestOutcome[], deps: ContestDeps): FlowAnswer {
  const submitted = outcomes.find((o) => o.effect === 'submitApplication');
  if (continuation !== SUBMITTED || !submitted) throw new Error(`no answer for ${continuation}`);
  if (submitted.result === 'refused') {
    const card = deps.facts.contest ? showCard(deps) : end([]);
    return { state: card.state, messages: [say(t('contest.submitRefused')), ...card.messages] };
  }
  const messages = [say(t('submitted', {
    receiptNumber: { fact: 'receiptNumber' },
    nextSteps: { literal: deps.program.contest.nextSteps },
  }))];
  if (missingDocumentStep(deps)) messages.push(say(t('submitted.documentMissing', { deadline: contestText(deps).deadline })));
  return { messages };
}

function askWithdraw(deps: ContestDeps): ContestFlowOutcome {
  return {
    state: { flowId: CONTEST_FLOW_ID, stepId: WITHDRAW },
    messages: [{
      type: 'text',
      text: t('withdraw.confirm', { receiptNumber: deps.facts.contest?.receiptNumber ?? '' }),
      choices: [{ label: t('withdraw.yes'), value: 'yes' }, { label: t('withdraw.no'), value: 'no' }],
    }],
    effects: [],
  };
}

function handleWithdraw(input: FlowInput, deps: ContestDeps): ContestFlowOutcome {
  const choices = [{ label: t('withdraw.yes'), value: 'yes' }, { label: t('withdraw.no'), value: 'no' }];
  const parsed = parseInput({ kind: 'confirm', choices }, input, { today: today(deps), language: deps.language });
  if (!parsed.ok) return askWithdraw(deps);
  if (parsed.value === 'no' || deps.facts.contest?.status !== 'submitted') return end([say(t('withdraw.kept'))]);
  return {
    state: null,
    messages: [say(t('withdraw.done', { receiptNumber: deps.facts.contest.receiptNumber ?? '' }))],
    effects: [{ type: 'withdrawApplication' }],
  };
}

function back(state: FlowState, deps: ContestDeps): ContestFlowOutcome {
  if (state.returnTo === CONFIRM || state.stepId === WITHDRAW) return showCard(deps);
  const answers = deps.facts.contest?.answers ?? {};
  const path = pathOf(stepsFor(deps, answers), answers);
  const index = state.stepId === CONFIRM ? path.length : path.findIndex((s) => s.id === state.stepId);
  const previous = index > 0 ? path[index - 1] : undefined;
  if (!previous || deps.facts.contest?.status === 'submitted') {
    return { state, messages: [say(t('back.none')), ...repeat(state, deps).messages], effects: [] };
  }
  return ask(previous);
}

function repeat(state: FlowState, deps: ContestDeps): ContestFlowOutcome {
  if (state.stepId === CONFIRM) return showCard(deps);
  if (state.stepId === WITHDRAW) return askWithdraw(deps);
  const answers = deps.facts.contest?.answers ?? {};
  const step = stepsFor(deps, answers).find((s) => s.id === state.stepId);
  return step ? ask(step, [], state.returnTo) : start(deps, 'apply');
}

function offers(state: FlowState, deps: ContestDeps): Choice[] {
  const messages = repeat(state, deps).messages;
  return messages.flatMap((m) => (m.type === 'summary' ? cardChoices(m) : (m.choices ?? [])));
}

function showCard(deps: ContestDeps, answers?: Answers, lead: Text[] = []): ContestFlowOutcome {
  const application = deps.facts.contest!;
  const current = { ...application, answers: answers ?? application.answers };
  const card = summaryCard(stepsFor(deps, current.answers), current, deps);
  return {
    state: { flowId: CONTEST_FLOW_ID, stepId: CONFIRM },
    messages: [...lead.map(say), card],
    effects: [],
  };
}

function windowClosed(deps: ContestDeps): ContestFlowOutcome | null {
  if (deps.now.getTime() < Date.parse(deps.program.contest.opensAt)) return end([say(t('contest.notOpen', contestText(deps)))]);
  if (!deadlinePassed(deps)) return null;
  const messages = [say(t('contest.closed', contestText(deps)))];
  if (deps.facts.contest?.status === 'submitted') {
    messages.push(say(t('alreadySubmitted', { receiptNumber: deps.facts.contest.receiptNumber ?? '' })));
  }
  return end(messages);
}

function contestText(deps: ContestDeps) {
  const { contest, timeZone } = deps.program;
  const both = (iso: string): Text => ({
    literal: { ja: formatInstant(iso, 'ja', timeZone), en: formatInstant(iso, 'en', timeZone) },
  });
  return { contest: { literal: contest.name }, deadline: both(contest.deadline), opensAt: both(contest.opensAt) };
}

function stepsFor(deps: ContestDeps, answers: Answers): ContestStep[] {
  return contestSteps(deps.program, today(deps), answers);
}

function today(deps: ContestDeps): string {
  return calendarDate(deps.now, deps.program.timeZone);
}

function ask(step: ContestStep, lead: Text[] = [], returnTo?: string): ContestFlowOutcome {
  const state: FlowState = { flowId: CONTEST_FLOW_ID, stepId: step.id };
  if (returnTo) state.returnTo = returnTo;
  return { state, messages: [promptFor(step, lead)], effects: [] };
}

function reprompt(step: ContestStep, reason: string, params?: Record<string, string | number>, suggestions: string[] = []): FlowMessage {
  const key = `reprompt.${reason}`;
  const lines: Text[] = [{ key: isMessageKey(key) ? key : 'reprompt.invalid', params }];
  const asked = repromptFor(step, { join: lines }) as Extract<FlowMessage, { type: 'text' }>;
  if (suggestions.length === 0) return asked;
  // 「もしかして：市川市」 as buttons that answer with the name, as if typed.
  const suggested = suggestions.map((name) => ({ label: { literal: { ja: name, en: name } }, value: typedChoice(name) }));
  return { ...asked, text: { join: [...lines, t('reprompt.municipality.suggest', { suggestions: suggestions.join('、') })] }, choices: suggested };
}

/** The plan document's step while the application has none (not attached, or "send later"). */
function missingDocumentStep(deps: ContestDeps): ContestStep | undefined {
  const answers = deps.facts.contest?.answers;
  if (!answers || deps.facts.contest?.hasDocument) return undefined;
  return pathOf(stepsFor(deps, answers), answers).find((s) => s.input.kind === 'file' && answers[s.id] !== 'attached');
}

/** A PDF outside the application's flow: the missing plan document, or a kind word why not. */
function lateDocument(input: FlowInput, deps: ContestDeps): ContestFlowOutcome {
  const application = deps.facts.contest;
  if (!application || application.status === 'withdrawn') return end([say(t('document.noApplication'))]);
  const step = missingDocumentStep(deps);
  if (!step) return end([say(t('document.alreadyAttached'))]);
  // A draft goes on from the document's answer, as if it had been sent at that question.
  if (application.status === 'draft') return handle({ flowId: CONTEST_FLOW_ID, stepId: step.id }, input, deps);
  const taken = takeDocument(step, input, deps);
  if ('reprompt' in taken) return { state: { flowId: CONTEST_FLOW_ID, stepId: step.id, returnTo: CONFIRM }, messages: [taken.reprompt], effects: [] };
  return end([say(t('document.lateReceived', { fileName: taken.fileName, receiptNumber: application.receiptNumber ?? '' }))], taken.effects);
}

/** Takes a file sent at another question as the plan document, then asks that question again. */
function documentThenBack(step: ContestStep, state: FlowState, input: FlowInput, deps: ContestDeps): ContestFlowOutcome {
  const taken = takeDocument(step, input, deps);
  if ('reprompt' in taken) return { state: { flowId: CONTEST_FLOW_ID, stepId: step.id }, messages: [taken.reprompt], effects: [] };
  const back = repeat(state, { ...deps, facts: { ...deps.facts, contest: { ...deps.facts.contest!, answers: taken.answers, hasDocument: true } } });
  return { state: back.state, messages: [say(t('file.received', { fileName: taken.fileName })), ...back.messages], effects: taken.effects };
}

/** A file as the plan document: the answers and effects that attach it, or the re-prompt that says why not. */
function takeDocument(step: ContestStep, input: FlowInput, deps: ContestDeps):
  { answers: Answers; fileName: string; effects: Effect[] } | { reprompt: FlowMessage } {
  const parsed = parseInput(step.input, input, { today: today(deps), language: deps.language });
  if (!parsed.ok) return { reprompt: reprompt(step, parsed.reason, parsed.params) };
  if (!parsed.document) return { reprompt: reprompt(step, 'file.expected') };
  const answers = { ...deps.facts.contest!.answers, [step.id]: parsed.value };
  return {
    answers,
    fileName: parsed.document.fileName,
    effects: [{ type: 'saveAnswers', answers }, { type: 'attachDocument', sourceMessageId: parsed.document.sourceMessageId }],
  };
}

/**
 * Answers removed by an unsend: ask for the first one on the path now, with its buttons,
 * and come back to where the person was. After the deadline they cannot be given again here.
 */
function reask(unsent: { removed: string[]; kept: string[] }, active: FlowState | null, deps: ContestDeps): ContestFlowOutcome | null {
  const application = deps.facts.contest;
  if (!application || application.status === 'withdrawn') return null;
  const steps = pathOf(stepsFor(deps, application.answers), application.answers);
  const step = steps.find((s) => unsent.removed.includes(s.id) && application.answers[s.id] === undefined);
  const kept = steps.find((s) => unsent.kept.includes(s.id));
  // An eligibility answer stays once submitted: say so, and leave the person where they were.
  if (!step && kept) return { state: active, messages: [say(t('unsent.locked', { label: labelOf(kept) }))], effects: [] };
  if (!step) return null;
  const label = labelOf(step);
  if (windowClosed(deps)) return end([say(t('unsent.afterDeadline', { label }))]);
  const lead = t(step.input.kind === 'file' ? 'unsent.document' : 'unsent.askAgain', { label });
  const returnTo = active?.stepId === CONFIRM || application.status === 'submitted' ? CONFIRM : undefined;
  return ask(step, [lead], returnTo);
}

function labelOf(step: ContestStep): Text {
  return step.label ?? { literal: { ja: step.id, en: step.id } };
}

function say(text: Text): FlowMessage {
  return { type: 'text', text };
}

function end(messages: FlowMessage[], effects: Effect[] = []): ContestFlowOutcome {
  return { state: null, messages, effects };
}
