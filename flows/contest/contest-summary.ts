import { formatInstant } from '../engine/dates.ts';
import { pathOf, type Step } from '../engine/step.ts';
import { t } from '../engine/text.ts';
import type { Choice, FlowMessage, SummaryRow } from '../engine/types.ts';
import type { ApplicationFacts, ContestDeps } from './contest-types.ts';

/** Pseudo-step ids for the confirmation card and the withdrawal question. */
export const CONFIRM = 'confirm';
export const WITHDRAW = 'withdraw';

/**
 * The confirmation card: every answer on the path with a "change" action, then the
 * actions the application's status allows. Eligibility is fixed once submitted.
 */
export function summaryCard(steps: Step[], application: ApplicationFacts, deps: ContestDeps): Extract<FlowMessage, { type: 'summary' }> {
  const submitted = application.status === 'submitted';
  const rows: SummaryRow[] = pathOf(steps, application.answers)
    .filter((step) => step.label)
    .map((step) => {
      const value = application.answers[step.id];
      const row: SummaryRow = {
        label: step.label!,
        value: value === undefined ? t('value.empty') : (step.display?.(value) ?? { literal: { ja: value, en: value } }),
      };
      if (!(submitted && step.lockedAfterSubmit)) row.change = `change:${step.id}`;
      return row;
    });
  const { deadline, timeZone } = { deadline: deps.program.contest.deadline, timeZone: deps.program.timeZone };
  const deadlineText = { literal: { ja: formatInstant(deadline, 'ja', timeZone), en: formatInstant(deadline, 'en', timeZone) } };
  return {
    type: 'summary',
    title: t('confirm.title'),
    rows,
    actions: statusActions(application),
    footer: submitted
      ? t('confirm.submittedFooter', { receiptNumber: application.receiptNumber ?? '', deadline: deadlineText })
      : t('confirm.footer'),
  };
}

function statusActions(application: ApplicationFacts): Choice[] {
  // Changes to a submitted application take effect at once: nothing to confirm, only withdrawal.
  if (application.status === 'submitted') return [{ label: t('confirm.withdraw'), value: 'withdraw' }];
  if (application.status === 'withdrawn') return [{ label: t('confirm.resubmit'), value: 'submit' }];
  return [{ label: t('confirm.submit'), value: 'submit' }];
}

/** Everything a card accepts: its actions and each row's "change". */
export function cardChoices(card: Extract<FlowMessage, { type: 'summary' }>): Choice[] {
  const changes = card.rows.filter((row) => row.change).map((row) => ({ label: t('confirm.change'), value: row.change! }));
  return [...card.actions, ...changes];
}
