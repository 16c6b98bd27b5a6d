/**
 * What the staff feed shows, channel-neutral: an application's card (no personal data:
 * the channel is read by every staff role, judges included) and the line posted in its
 * thread when it changes. The worker posts them (post-notice.ts).
 */
import { answerLabel } from '../../../core/applications/answer-display.ts';
import type { StaffApplication } from '../../../core/applications/staff-queries.ts';
import { calendarDate } from '../../../flows/engine/dates.ts';
import type { Program } from '../../../core/program/load-program.ts';
import type { Notice } from '../../../core/staff-feed/staff-notice.repository.ts';
import { feedComponentId } from './feed-component-id.ts';
import { feedText, type StaffLanguage } from './feed-messages.ts';
import type { StaffButton, StaffCard } from './staff-view.ts';

export function applicationCard(program: Program, application: StaffApplication, language: StaffLanguage): StaffCard {
  const none = feedText(language, 'none');
  const question = (id: string) => program.contest.questions.find((q) => q.id === id);
  const planTitle = question('planTitle');
  const category = program.contest.questions.find((q) => q.indexAs === 'category');
  const title = typeof application.answers.planTitle === 'string' && planTitle && !planTitle.personal ? application.answers.planTitle : '';
  return {
    title: feedText(language, 'feed.card.title', { receipt: application.receiptNumber ?? none }),
    // The plan title is what the applicant typed: shown as text, never as a link or markup.
    ...(title ? { description: title, quoted: true } : {}),
    fields: [
      { name: feedText(language, 'detail.status'), value: feedText(language, `status.${application.status}`) },
      { name: feedText(language, 'feed.card.municipality'), value: application.municipality ?? none },
      { name: feedText(language, 'feed.card.category'), value: category?.choices?.find((c) => c.value === application.category)?.label[language] ?? application.category ?? none },
      { name: feedText(language, 'feed.card.workshop'), value: feedText(language, application.workshopOrigin ? 'feed.yes' : 'feed.no') },
      { name: feedText(language, 'detail.document'), value: feedText(language, application.hasDocument ? 'detail.document.yes' : 'detail.document.no') },
    ],
  };
}

/** Buttons under an application's card: the full application and its plan, each checked against the clicker's roles. */
export function applicationButtons(application: StaffApplication, language: StaffLanguage): StaffButton[] {
  if (!application.receiptNumber) return [];
  return [
    { id: feedComponentId.detail(application.receiptNumber), label: feedText(language, 'feed.button.detail'), style: 'secondary' },
    ...(application.hasDocument ? [{ id: feedComponentId.document(application.receiptNumber), label: feedText(language, 'feed.button.document'), style: 'secondary' as const }] : []),
  ];
}

/** The line posted in an application's thread for a change; field names only, never values. */
export function applicationChangeText(program: Program, notice: Notice, language: StaffLanguage): string {
  switch (notice.kind) {
    case 'application.updated': {
      const fields = Array.isArray(notice.detail.fields) ? notice.detail.fields as string[] : [];
      const today = calendarDate(notice.createdAt, program.timeZone);
      const labels = fields.map((id) => answerLabel(program, today, id, language)).join('、');
      return feedText(language, notice.detail.unsent ? 'feed.unsent' : 'feed.updated', { fields: labels });
    }
    case 'application.document': return feedText(language, 'feed.document');
    case 'application.withdrawn': return feedText(language, 'feed.withdrawn');
    default: return feedText(language, 'feed.submitted');
  }
}
