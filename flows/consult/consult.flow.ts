/**
 * Booking a consultation at a support booth (DOMAIN.md §3): pick a booth, one of its free
 * times, say in a few words what it is about (the intake, sealed by core and shown only
 * to the booth), confirm, and core books it — or says why not (full, too soon, overlapping
 * another consultation, over the limit). 「相談予約確認」 lists the person's consultations
 * with cancel and move buttons (consult-manage.ts). Nothing is stored before "book".
 */
import { calendarDate } from '../engine/dates.ts';
import type { Flow } from '../engine/flow.ts';
import { parseInput } from '../engine/input.ts';
import { repromptFor } from '../engine/step.ts';
import { t } from '../engine/text.ts';
import type { Answers, Choice, FlowInput, FlowState } from '../engine/types.ts';
import { isMessageKey } from '../catalog/catalog.ts';
import {
  askBooth, askIntake, askSlot, boothChoices, boothOf, CONSULT_FLOW_ID, hasFacts, showCard, slotChoice, STEP, VALUE, type Outcome,
} from './consult-ask.ts';
import { bookingOpen, freeSlots, heldCount } from './consult-availability.ts';
import type { BoothsConfig } from './consult-config.ts';
import {
  askCancel, askMove, end, handleCancel, handleMoveConfirm, handleMovePick, say, showMine, yesNo,
} from './consult-manage.ts';
import { CANCEL_VALUE, MOVE_VALUE } from './consult-messages.ts';
import { findSlot } from './consult-slots.ts';
import type { BoothsDeps, BoothsEffect } from './consult-types.ts';

/** The answer waits for what booking came to: `booked:<slot id>`. */
export const BOOKED = 'booked:';

export const consultFlow: Flow<BoothsDeps, BoothsEffect> = { id: CONSULT_FLOW_ID, start, handle, back, repeat, offers, resumeFor };

function start(deps: BoothsDeps, entry: string): Outcome {
  const config = deps.program.booths;
  if (!config) return end([say(t('booths.none'))]);
  if (entry === 'myConsultations') return showMine(config, deps);
  return startBooking(config, deps);
}

/** Who may book, the limit and whether any time is left, before the first question. */
function startBooking(config: BoothsConfig, deps: BoothsDeps): Outcome {
  if (!hasFacts(deps)) return end([say(t('booths.noEvent'))]);
  const facts = deps.facts.booths;
  if (!facts.eligible) return end([say(t('booths.notEligible'))]);
  if (heldCount(facts) >= config.settings.perPersonLimit) return end([say(t('booths.limit', { limit: config.settings.perPersonLimit }))]);
  if (!bookingOpen(config, deps.now)) return end([say(t('booths.over'))]);
  return askBooth(config);
}

function handle(state: FlowState, input: FlowInput, deps: BoothsDeps): Outcome {
  const config = deps.program.booths;
  if (!config) return end([say(t('booths.none'))]);
  // A booking card's buttons work from anywhere: they name the booking they are about.
  if (input.type === 'choice' && input.value.startsWith(CANCEL_VALUE)) return askCancel(config, input.value.slice(CANCEL_VALUE.length), deps);
  if (input.type === 'choice' && input.value.startsWith(MOVE_VALUE)) return askMove(config, input.value.slice(MOVE_VALUE.length), 0, deps);
  const answers = state.answers ?? {};
  const { stepId } = state;
  if (stepId.startsWith(STEP.cancel)) return handleCancel(config, stepId.slice(STEP.cancel.length), input, deps);
  if (stepId.startsWith(STEP.moveConfirm)) return handleMoveConfirm(config, stepId.slice(STEP.moveConfirm.length), answers.slot ?? '', input, deps);
  if (stepId.startsWith(STEP.move)) return handleMovePick(config, stepId.slice(STEP.move.length), Number(answers.page ?? 0), input, deps);
  if (!hasFacts(deps)) return end([say(t('booths.noEvent'))]);
  switch (stepId) {
    case STEP.booth: return handleBooth(config, input, deps);
    case STEP.slot: return handleSlot(config, answers, input, deps);
    case STEP.intake: return handleIntake(config, answers, state.returnTo, input, deps);
    case STEP.confirm: return handleConfirm(config, answers, input, deps);
    default: return startBooking(config, deps);
  }
}

function handleBooth(config: BoothsConfig, input: FlowInput, deps: BoothsDeps): Outcome {
  const parsed = parseInput({ kind: 'choice', choices: boothChoices(config) }, input, context(deps));
  if (!parsed.ok) return askBooth(config, [t('reprompt.choice.unknown')]);
  const booth = config.booths.find((b) => `${VALUE.booth}${b.id}` === parsed.value)!;
  return askSlot(config, booth, {}, deps);
}

function handleSlot(config: BoothsConfig, answers: Answers, input: FlowInput, deps: BoothsDeps): Outcome {
  if (input.type === 'choice' && input.value === VALUE.otherBooth) return askBooth(config);
  if (input.type === 'choice' && input.value.startsWith(VALUE.booth)) return handleBooth(config, input, deps);
  // A time's button names its booth: an old list's button works after the flow moved on.
  const tapped = input.type === 'choice' && input.value.startsWith(VALUE.slot) ? findSlot(config, input.value.slice(VALUE.slot.length)) : null;
  const booth = tapped?.booth ?? boothOf(config, answers);
  if (!booth) return askBooth(config);
  if (input.type === 'choice' && input.value === VALUE.more) return askSlot(config, booth, { ...answers, page: String(Number(answers.page ?? 0) + 1) }, deps);
  const choices = freeSlots(config, booth, deps.facts.booths!, deps.now).map((slot) => slotChoice(slot, deps));
  const parsed = parseInput({ kind: 'choice', choices }, input, context(deps));
  if (!parsed.ok) {
    // A time that was free when the list was shown and is not now: say so, then the list again.
    const lead = tapped ? t('booths.full') : t('reprompt.choice.unknown');
    return askSlot(config, booth, { ...answers, booth: booth.id }, deps, [lead]);
  }
  const next: Answers = { booth: booth.id, slot: parsed.value.slice(VALUE.slot.length), ...(answers.intake ? { intake: answers.intake } : {}) };
  return next.intake ? showCard(config, next, deps) : askIntake(config, next);
}

function handleIntake(config: BoothsConfig, answers: Answers, returnTo: string | undefined, input: FlowInput, deps: BoothsDeps): Outcome {
  const spec = { kind: 'text' as const, maxLength: config.settings.intake.maxLength };
  const parsed = parseInput(spec, input, context(deps));
  if (!parsed.ok) {
    const key = `reprompt.${parsed.reason}`;
    const asked = askIntake(config, answers, returnTo);
    const reason = { key: isMessageKey(key) ? key : 'reprompt.invalid' as const, params: parsed.params };
    return { ...asked, messages: [repromptFor({ id: STEP.intake, section: 'intake', input: spec, question: reason }, reason)] };
  }
  return showCard(config, { ...answers, intake: parsed.value }, deps);
}

function handleConfirm(config: BoothsConfig, answers: Answers, input: FlowInput, deps: BoothsDeps): Outcome {
  if (input.type === 'choice' && input.value === VALUE.book) return book(config, answers, deps);
  if (input.type === 'choice' && input.value === VALUE.retime) {
    const booth = boothOf(config, answers);
    return booth ? askSlot(config, booth, { ...answers, page: '0' }, deps) : askBooth(config);
  }
  if (input.type === 'choice' && input.value === VALUE.reintake) return askIntake(config, answers, STEP.confirm);
  return showCard(config, answers, deps, [t('reprompt.choice.unknown')]);
}

/**
 * The booking itself. A tap on an old card (the flow state, and with it the answers, is
 * gone: a double tap, or a card from before) books nothing: it shows the person's
 * consultations instead.
 */
function book(config: BoothsConfig, answers: Answers, deps: BoothsDeps): Outcome {
  const { booth, slot, intake } = answers;
  if (!booth || !slot || intake === undefined) return showMine(config, deps, [t('booths.stale')]);
  // Where a refusal leaves the person: the same booth's times, their intake kept.
  return {
    state: { flowId: CONSULT_FLOW_ID, stepId: STEP.slot, answers: { booth, intake, page: '0' } },
    messages: [], effects: [{ type: 'booths.book', slotId: slot, intake }], continuation: `${BOOKED}${slot}`,
  };
}

function back(state: FlowState, deps: BoothsDeps): Outcome {
  const config = deps.program.booths;
  if (!config || !hasFacts(deps)) return end([say(t('booths.none'))]);
  const answers = state.answers ?? {};
  const booth = boothOf(config, answers);
  switch (state.stepId) {
    case STEP.slot: return askBooth(config);
    case STEP.intake: return booth ? askSlot(config, booth, { ...answers, page: '0' }, deps) : askBooth(config);
    case STEP.confirm: return askIntake(config, answers);
    default: return repeat(state, deps);
  }
}

function repeat(state: FlowState, deps: BoothsDeps): Outcome {
  const config = deps.program.booths;
  if (!config) return end([say(t('booths.none'))]);
  const answers = state.answers ?? {};
  const { stepId } = state;
  if (stepId.startsWith(STEP.cancel)) return askCancel(config, stepId.slice(STEP.cancel.length), deps);
  if (stepId.startsWith(STEP.moveConfirm) || stepId.startsWith(STEP.move)) return askMove(config, stepId.split(':')[1] ?? '', 0, deps);
  if (!hasFacts(deps)) return end([say(t('booths.noEvent'))]);
  const booth = boothOf(config, answers);
  switch (stepId) {
    case STEP.slot: return booth ? askSlot(config, booth, answers, deps) : askBooth(config);
    case STEP.intake: return askIntake(config, answers, state.returnTo);
    case STEP.confirm: return showCard(config, answers, deps);
    default: return startBooking(config, deps);
  }
}

function offers(state: FlowState, deps: BoothsDeps): Choice[] {
  const config = deps.program.booths;
  if (!config) return [];
  const { stepId } = state;
  if (stepId.startsWith(STEP.cancel)) return yesNo('cancel');
  if (stepId.startsWith(STEP.moveConfirm)) return yesNo('move');
  if (stepId === STEP.booth) return boothChoices(config);
  if (stepId === STEP.confirm) return [{ label: t('booths.card.book'), value: VALUE.book }, { label: t('booths.card.retime'), value: VALUE.retime }];
  const booth = boothOf(config, state.answers ?? {});
  if (stepId === STEP.slot && booth && hasFacts(deps)) return freeSlots(config, booth, deps.facts.booths, deps.now).map((slot) => slotChoice(slot, deps));
  return [];
}

/** Taken while the flow is not active: the buttons on booking cards, lists and the confirmation card stay in the chat. */
function resumeFor(input: FlowInput, deps: BoothsDeps): FlowState | null {
  if (deps.handoffOpen || input.type !== 'choice') return null;
  const { value } = input;
  if (value.startsWith(CANCEL_VALUE) || value.startsWith(MOVE_VALUE) || value === VALUE.book) return { flowId: CONSULT_FLOW_ID, stepId: STEP.confirm };
  if (value.startsWith(VALUE.booth)) return { flowId: CONSULT_FLOW_ID, stepId: STEP.booth };
  if (value.startsWith(VALUE.slot)) return { flowId: CONSULT_FLOW_ID, stepId: STEP.slot };
  return null;
}

function context(deps: BoothsDeps) {
  return { today: calendarDate(deps.now, deps.program.timeZone), language: deps.language };
}
