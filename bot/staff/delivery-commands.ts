/**
 * Messages that could not be delivered: the list (who by receipt number or an anonymous
 * reference, what, when, and the reason the worker stored) and the retry, for roles that
 * may (the permission is checked before these run, staff-commands.ts). What a retry does
 * with LINE's retry key, and why it cannot deliver twice, is core/outbox/failed-deliveries.ts.
 */
import { clipCharacters } from '../../core/clip-text.ts';
import { appendAudit } from '../../core/audit/audit-log.ts';
import type { RoundId } from '../../core/judging/judging-config.ts';
import { listFailedDeliveries, retryFailedDelivery, type FailedDelivery } from '../../core/outbox/failed-deliveries.ts';
import { authorize } from '../../core/staff/permissions.ts';
import { formatInstant } from '../../flows/engine/dates.ts';
import { roundName } from './judging-commands.ts';
import { componentId } from './staff-components.ts';
import { staffText, type StaffLanguage, type StaffMessageKey } from './staff-messages.ts';
import type { StaffButton, StaffCommand, StaffDeps, StaffReply, StaffRequest } from './staff-types.ts';
import { pageButtons } from './page-buttons.ts';

/** The staff commands about undelivered messages. */
export type DeliveryCommand = Extract<StaffCommand, { name: 'deliveries' | 'retryDelivery' }>;

/** A page: ten lines with a retry button each, and two to turn pages, within Discord's 25 buttons and 4,096 characters. */
const PAGE_SIZE = 10;
/** The stored reason is a status line; cut so ten of them fit a card. */
const REASON_CHARS = 160;

/** Lists failed deliveries a page at a time, or sends one again (the permission was checked by the caller). */
export async function runDeliveryCommand(deps: StaffDeps, request: StaffRequest & { command: DeliveryCommand }): Promise<StaffReply> {
  const { command, language } = request;
  if (command.name === 'deliveries') return listReply(deps, request, command.page ?? 0);
  const now = deps.clock();
  const outcome = await deps.transact(async (tx) => {
    const result = await retryFailedDelivery(tx, command.outboxId, request.actor, now);
    if (result.status === 'retried') await appendAudit(tx, [result.audit], now);
    return result;
  });
  if (outcome.status !== 'retried') return { text: staffText(language, `deliveries.${outcome.status}`) };
  // Straight to the queue; if that fails, the worker's sweep finds the row, due now, within its interval.
  await deps.release?.([command.outboxId]).catch(() => undefined);
  const rest = await listReply(deps, request, 0);
  return { ...rest, text: staffText(language, `deliveries.retried.${outcome.keyPlan}`) };
}

async function listReply(deps: StaffDeps, request: StaffRequest, page: number): Promise<StaffReply> {
  const { language } = request;
  const offset = page * PAGE_SIZE;
  const { total, deliveries } = await listFailedDeliveries(deps.db, deps.program.contest.id, { offset, limit: PAGE_SIZE }, deps.clock());
  if (total === 0) return { text: staffText(language, 'deliveries.none') };
  const mayRetry = authorize(request.roles, 'deliveries.retry').allowed;
  const lines = deliveries.map((d, i) => deliveryLine(deps, language, d, offset + i + 1));
  const buttons: StaffButton[] = [
    ...(mayRetry ? deliveries.map((d, i) => ({ id: componentId.retry(d.id), label: staffText(language, 'deliveries.retry', { n: offset + i + 1 }), style: 'primary' as const })) : []),
    ...pageButtons(language, page, offset + deliveries.length < total, componentId.deliveries),
  ];
  return {
    card: {
      title: staffText(language, 'deliveries.title', { from: deliveries.length ? offset + 1 : 0, to: offset + deliveries.length, total }),
      description: clipCharacters(lines.join('\n'), 4000),
      fields: [],
    },
    buttons,
  };
}

function deliveryLine(deps: StaffDeps, language: StaffLanguage, delivery: FailedDelivery, n: number): string {
  return staffText(language, 'deliveries.line', {
    n,
    who: delivery.receiptNumber ?? delivery.participant,
    kind: kindName(language, delivery.kind),
    when: formatInstant(delivery.createdAt.toISOString(), language, deps.program.timeZone),
    channel: staffText(language, `deliveries.channel.${delivery.channel}`),
    error: clipCharacters(delivery.lastError ?? staffText(language, 'deliveries.noError'), REASON_CHARS),
    attempts: delivery.attempts,
    warning: delivery.keyPlan === 'expired' ? staffText(language, 'deliveries.warn.expired') : '',
  });
}

/** What the message was, from the outbox row's kind; one not in the catalog as it is. */
function kindName(language: StaffLanguage, stored: string): string {
  const [kind, round] = stored.split(':', 2);
  if (kind === 'decision' && round) return staffText(language, 'deliveries.kind.decision', { round: roundName(language, round as RoundId) });
  return ['reply', 'staff-reply', 'handoff-closed'].includes(stored) ? staffText(language, `deliveries.kind.${stored}` as StaffMessageKey) : stored;
}
