/**
 * The human inbox in Discord: a handoff becomes a card in the inbox channel, with the
 * recent conversation and answer/close buttons, and a thread where every later message
 * of the participant appears. The inbox channel shows what participants wrote: only
 * roles that answer them should see it (README, staff guide). Progress is recorded as in
 * post-notice.ts: the card's message before its thread is started.
 */
import { handoffApplication } from '../../../core/handoff/handoff-application.ts';
import { findHandoff, type Exchange } from '../../../core/handoff/handoff.service.ts';
import { findThread, noticeContext, saveThread, saveThreadId, type Notice } from '../../../core/staff-feed/staff-notice.repository.ts';
import { feedText } from './feed-messages.ts';
import { noticeNonce, postMessage, startThread, THREAD_NAME_CHARS, type FeedPostDeps } from './feed-rest.ts';
import { exchangeText, handoffButtons, handoffCard } from './handoff-card.ts';
import { plain } from './render-staff-reply.ts';

export async function postHandoffNotice(deps: FeedPostDeps, notice: Notice, channel: string): Promise<'sent' | 'skipped'> {
  const { rest, db, language } = deps;
  const view = await findHandoff(db, deps.sealer, notice.entityId);
  if (!view) return 'skipped';
  let thread = await findThread(db, 'handoff', view.id);
  const fresh = !thread?.threadId;
  if (!thread) {
    // The card carries the conversation up to now; a late first post (Discord was down) shows everything so far.
    const application = await handoffApplication(db, deps.sealer, deps.program, view.participantId, deps.clock());
    const card = { card: handoffCard(deps, view, application, language), buttons: handoffButtons(view.id, language) };
    const message = await postMessage(rest, channel, card, noticeNonce(notice.id, 'c'));
    thread = { entity: 'handoff', entityId: view.id, channelId: channel, messageId: message.id, threadId: null };
    await saveThread(db, thread, deps.clock());
  }
  let threadId = thread.threadId;
  if (!threadId) {
    const name = Array.from(feedText(language, 'inbox.card.title', { participant: view.participant })).slice(0, THREAD_NAME_CHARS).join('');
    threadId = await startThread(rest, thread.channelId, thread.messageId, name, 1440);
    await saveThreadId(db, thread, threadId);
  }
  if (fresh && notice.kind === 'handoff.opened') return 'sent';
  if (notice.kind === 'handoff.message') {
    const said = deps.sealer.openJson<Pick<Exchange, 'text' | 'kind'>>(notice.payloadSealed!, noticeContext(view.id));
    const text = feedText(language, 'inbox.message', { text: plain(exchangeText(language, said)) });
    await postMessage(rest, threadId, { text, buttons: view.status === 'open' ? handoffButtons(view.id, language) : [] }, noticeNonce(notice.id, 't'));
  } else if (notice.kind === 'handoff.closed') {
    const by = notice.detail.by === 'participant' ? feedText(language, 'inbox.speaker.participant') : String(notice.detail.by ?? '');
    await postMessage(rest, threadId, { text: feedText(language, 'inbox.closedBy', { by }) }, noticeNonce(notice.id, 't'));
  }
  return 'sent';
}
