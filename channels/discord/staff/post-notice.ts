/**
 * Posts one staff-feed notice to Discord: an application's card in the applications
 * channel with a thread of its own, then each change in that thread (the card edited to
 * show the current state); a handoff's in the inbox channel (post-handoff-notice.ts).
 * Progress is recorded as it is made (the card's message before its thread is started),
 * so a try that failed half-way, or a job run again, goes on where it stopped and posts
 * nothing twice.
 */
import { Routes } from 'discord.js';
import { findById } from '../../../core/applications/staff-queries.ts';
import { findThread, saveThread, saveThreadId, type DiscordThreadRow, type Notice } from '../../../core/staff-feed/staff-notice.repository.ts';
import { applicationButtons, applicationCard, applicationChangeText } from './feed-cards.ts';
import { noticeNonce, postMessage, startThread, THREAD_NAME_CHARS, type FeedPostDeps } from './feed-rest.ts';
import { postHandoffNotice } from './post-handoff-notice.ts';
import { messageBody } from './render-staff-reply.ts';
import type { StaffReply } from './staff-view.ts';

/** 'skipped': nothing to post it to (no channel configured, or the entity is gone). */
export async function postNotice(deps: FeedPostDeps, notice: Notice): Promise<'sent' | 'skipped'> {
  if (notice.kind.startsWith('handoff.')) {
    return deps.channels.inbox ? postHandoffNotice(deps, notice, deps.channels.inbox) : 'skipped';
  }
  const channel = deps.channels.applications;
  if (!channel) return 'skipped';
  const { rest, db, language } = deps;
  const application = await findById(db, deps.sealer, notice.entityId);
  if (!application) return 'skipped';
  const card: StaffReply = { card: applicationCard(deps.program, application, language), buttons: applicationButtons(application, language) };
  let thread = await findThread(db, 'application', application.id);
  // The card is new (this notice posted it): it shows the current state already.
  const fresh = !thread?.threadId;
  if (!thread) {
    const message = await postMessage(rest, channel, card, noticeNonce(notice.id, 'c'));
    thread = { entity: 'application', entityId: application.id, channelId: channel, messageId: message.id, threadId: null };
    await saveThread(db, thread, deps.clock());
  }
  const threadId = thread.threadId ?? await startApplicationThread(deps, thread, `${application.receiptNumber ?? ''} ${card.card!.description ?? ''}`.trim());
  if (fresh && notice.kind === 'application.submitted') return 'sent';
  // The card shows the current state; the thread keeps the history.
  if (!fresh) await rest.patch(Routes.channelMessage(thread.channelId, thread.messageId), { body: messageBody(card) });
  const buttons = notice.kind === 'application.document' ? card.buttons!.slice(-1) : [];
  await postMessage(rest, threadId, { text: applicationChangeText(deps.program, notice, language), buttons }, noticeNonce(notice.id, 't'));
  return 'sent';
}

async function startApplicationThread(deps: FeedPostDeps, thread: DiscordThreadRow, title: string): Promise<string> {
  const name = Array.from(title).slice(0, THREAD_NAME_CHARS).join('');
  const threadId = await startThread(deps.rest, thread.channelId, thread.messageId, name, 10080);
  await saveThreadId(deps.db, thread, threadId);
  return threadId;
}
