/**
 * The questions of the booking path, each as the flow outcome that asks it: the booth,
 * its free times a page at a time, the intake, the confirmation card. Pure; the flow
 * (consult.flow.ts) decides which to ask.
 */
import type { FlowOutcome } from '../engine/flow.ts';
import { timeRangeText } from '../engine/dates.ts';
import { t } from '../engine/text.ts';
import type { Answers, Choice, FlowMessage, SummaryRow, Text } from '../engine/types.ts';
import { freeSlots } from './consult-availability.ts';
import type { BoothConfig, BoothsConfig } from './consult-config.ts';
import { boothRows, organisation, slotDay, slotTime } from './consult-messages.ts';
import { findSlot, type BoothSlotSpec } from './consult-slots.ts';
import type { BoothsDeps, BoothsEffect, BoothsFacts } from './consult-types.ts';

export const CONSULT_FLOW_ID = 'consult-booking';

/** Steps; `cancel:<id>`, `move:<id>` and `moveConfirm:<id>` carry the booking they are about. */
export const STEP = { booth: 'booth', slot: 'slot', intake: 'intake', confirm: 'confirm', cancel: 'cancel:', move: 'move:', moveConfirm: 'moveConfirm:' } as const;

/** Button values, prefixed so they never collide with another flow's. */
export const VALUE = {
  booth: 'consult-booth:', slot: 'consult-slot:', more: 'consult-more', otherBooth: 'consult-booths',
  book: 'consult-book', retime: 'consult-retime', reintake: 'consult-intake',
} as const;

/** Slot buttons per page: with "later times" and "other booths", within LINE's 13 quick replies. */
export const PAGE = 10;

export type Outcome = FlowOutcome<BoothsEffect>;

export function askBooth(config: BoothsConfig, lead: Text[] = []): Outcome {
  const list: Text = { join: config.booths.map((b) => t('booths.boothLine', { organisation: organisation(b), topic: { literal: b.topic } })) };
  return {
    state: { flowId: CONSULT_FLOW_ID, stepId: STEP.booth },
    messages: [{ type: 'text', text: { join: [...lead, t('booths.pickBooth', { list })] }, choices: boothChoices(config) }],
    effects: [],
  };
}

export function boothChoices(config: BoothsConfig): Choice[] {
  return config.booths.map((b) => ({ label: organisation(b), value: `${VALUE.booth}${b.id}`, aliases: [b.organisation.ja, b.organisation.en, b.id] }));
}

/** A page of the booth's free times; none left: say so and offer the booths again. */
export function askSlot(config: BoothsConfig, booth: BoothConfig, answers: Answers, deps: BoothsDeps, lead: Text[] = []): Outcome {
  const free = freeSlots(config, booth, deps.facts.booths!, deps.now);
  if (free.length === 0) return askBooth(config, [...lead, t('booths.noSlots', { organisation: organisation(booth) })]);
  const page = Math.min(Number(answers.page ?? 0), Math.floor((free.length - 1) / PAGE));
  const shown = free.slice(page * PAGE, (page + 1) * PAGE);
  const choices: Choice[] = [
    ...shown.map((slot) => slotChoice(slot, deps)),
    ...(free.length > (page + 1) * PAGE ? [{ label: t('booths.more'), value: VALUE.more }] : []),
    { label: t('booths.otherBooth'), value: VALUE.otherBooth },
  ];
  const question = t('booths.pickSlot', { organisation: organisation(booth), day: slotDay(shown[0]!.startsAt, deps.program.timeZone), minutes: booth.slotMinutes });
  return {
    state: { flowId: CONSULT_FLOW_ID, stepId: STEP.slot, answers: { ...answers, booth: booth.id, page: String(page) } },
    messages: [{ type: 'text', text: { join: [...lead, question] }, choices }],
    effects: [],
  };
}

/** A time's button; typing its start (「13:00」) picks it too. */
export function slotChoice(slot: BoothSlotSpec, deps: BoothsDeps): Choice {
  const label = slotTime(slot, deps.program.timeZone);
  return { label, value: `${VALUE.slot}${slot.id}`, aliases: [label.literal.ja.split('–')[0]!] };
}

export function askIntake(config: BoothsConfig, answers: Answers, returnTo?: string): Outcome {
  const { intake } = config.settings;
  const question: Text = intake.prompt ? { literal: intake.prompt } : t('booths.intake');
  const state = { flowId: CONSULT_FLOW_ID, stepId: STEP.intake, answers, ...(returnTo ? { returnTo } : {}) };
  return { state, messages: [{ type: 'text', text: { join: [question, t('prompt.limit', { limit: intake.maxLength })] } }], effects: [] };
}

/** The confirmation card: the booth, the time, what the person wrote; book, or another time. */
export function showCard(config: BoothsConfig, answers: Answers, deps: BoothsDeps, lead: Text[] = []): Outcome {
  const found = findSlot(config, answers.slot ?? '');
  if (!found) return askBooth(config, lead);
  const intake = answers.intake ?? '';
  const rows: SummaryRow[] = [
    ...boothRows(found.booth),
    { label: t('booths.row.when'), value: timeRangeText(found.slot, deps.program.timeZone) },
    { label: t('booths.row.intake'), value: { literal: { ja: intake, en: intake } }, change: VALUE.reintake },
  ];
  const messages: FlowMessage[] = [
    ...(lead.length > 0 ? [{ type: 'text' as const, text: { join: lead } }] : []),
    {
      type: 'summary', title: t('booths.card.confirmTitle'), rows, footer: t('booths.card.footer'),
      actions: [{ label: t('booths.card.book'), value: VALUE.book }, { label: t('booths.card.retime'), value: VALUE.retime }],
    },
  ];
  return { state: { flowId: CONSULT_FLOW_ID, stepId: STEP.confirm, answers }, messages, effects: [] };
}

/** The booth a slot id names, or the one in the answers. */
export function boothOf(config: BoothsConfig, answers: Answers): BoothConfig | undefined {
  return config.booths.find((b) => b.id === answers.booth);
}

export function hasFacts(deps: BoothsDeps): deps is BoothsDeps & { facts: { booths: BoothsFacts } } {
  return deps.facts.booths !== null && deps.facts.booths !== undefined;
}
