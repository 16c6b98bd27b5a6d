/**
 * The human inbox in Discord: a handoff becomes a card in the inbox channel, with the
 * recent conversation and answer/close buttons, and a thread where every later message
 * of the participant appears. The inbox channel shows what participants wrote: only
 * roles that answer them should see it (README, staff guide).
 */
import { Routes, type Client } from 'discord.js';
import type { SqlClient } from '../../core/db/types.ts';
import { handoffApplication } from '../../core/handoff/handoff-application.ts';
import { findHandoff, type Exchange } from '../../core/handoff/handoff.service.ts';
import { findThread, noticeContext, saveThread, type Notice } from '../../core/staff-feed/staff-notice.repository.ts';
import { exchangeText, handoffButtons, handoffCard } from '../staff/inbox-commands.ts';
import { staffText, type StaffLanguage } from '../staff/staff-messages.ts';
import type { StaffDeps } from '../staff/staff-types.ts';
import { messageBody, plain } from './staff-bot.ts';

export async function postHandoffNotice(
  options: { client: Client; deps: StaffDeps; language: StaffLanguage }, tx: SqlClient, notice: Notice, channel: string,
): Promise<'sent' | 'skipped'> {
  const { client, deps, language } = options;
  const view = await findHandoff(tx, deps.sealer, notice.entityId);
  if (!view) return 'skipped';
  const post = (channelId: string, body: unknown) => client.rest.post(Routes.channelMessages(channelId), { body }) as Promise<{ id: string }>;
  let thread = await findThread(tx, 'handoff', view.id);
  if (!thread) {
    // The card carries the conversation up to now; a late first post (Discord was down) shows everything so far.
    const application = await handoffApplication(tx, deps.sealer, deps.program, view.participantId, deps.clock());
    const message = await post(channel, messageBody({ card: handoffCard(deps, view, application, language), buttons: handoffButtons(view.id, language) }));
    const created = await client.rest.post(Routes.threads(channel, message.id), {
      body: { name: staffText(language, 'inbox.card.title', { participant: view.participant }), auto_archive_duration: 1440 },
    }) as { id: string };
    thread = { entity: 'handoff', entityId: view.id, channelId: channel, messageId: message.id, threadId: created.id };
    await saveThread(tx, thread, deps.clock());
    if (notice.kind === 'handoff.opened') return 'sent';
  }
  if (notice.kind === 'handoff.message') {
    const said = deps.sealer.openJson<Pick<Exchange, 'text' | 'kind'>>(notice.payloadSealed!, noticeContext(view.id));
    await post(thread.threadId, messageBody({ text: staffText(language, 'inbox.message', { text: plain(exchangeText(language, said)) }), buttons: view.status === 'open' ? handoffButtons(view.id, language) : [] }));
  } else if (notice.kind === 'handoff.closed') {
    const by = notice.detail.by === 'participant' ? staffText(language, 'inbox.speaker.participant') : String(notice.detail.by ?? '');
    await post(thread.threadId, messageBody({ text: staffText(language, 'inbox.closedBy', { by }) }));
  }
  return 'sent';
}
