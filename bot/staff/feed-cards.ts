/**
 * What the staff feed shows, channel-neutral: an application's card (no personal data:
 * the channel is read by every staff role, judges included) and the line posted in its
 * thread when it changes. Discord posts them (bot/discord/staff-feed.ts).
 */
import { answerLabel } from '../../core/applications/answer-display.ts';
import type { StaffApplication } from '../../core/applications/staff-queries.ts';
import { calendarDate } from '../../flows/engine/dates.ts';
import type { Program } from '../../core/program/load-program.ts';
import type { Notice } from '../../core/staff-feed/staff-notice.repository.ts';
import { componentId } from './staff-components.ts';
import { staffText, type StaffLanguage } from './staff-messages.ts';
import type { StaffButton, StaffCard } from './staff-types.ts';

export function applicationCard(program: Program, application: StaffApplication, language: StaffLanguage): StaffCard {
  const none = staffText(language, 'none');
  const question = (id: string) => program.contest.questions.find((q) => q.id === id);
  const planTitle = question('planTitle');
  const category = program.contest.questions.find((q) => q.indexAs === 'category');
  const title = typeof application.answers.planTitle === 'string' && planTitle && !planTitle.personal ? application.answers.planTitle : '';
  return {
    title: staffText(language, 'feed.card.title', { receipt: application.receiptNumber ?? none }),
    // The plan title is what the applicant typed: shown as text, never as a link or markup.
    ...(title ? { description: title, quoted: true } : {}),
    fields: [
      { name: staffText(language, 'detail.status'), value: staffText(language, `status.${application.status}`) },
      { name: staffText(language, 'feed.card.municipality'), value: application.municipality ?? none },
      { name: staffText(language, 'feed.card.category'), value: category?.choices?.find((c) => c.value === application.category)?.label[language] ?? application.category ?? none },
      { name: staffText(language, 'feed.card.workshop'), value: staffText(language, application.workshopOrigin ? 'feed.yes' : 'feed.no') },
      { name: staffText(language, 'detail.document'), value: staffText(language, application.hasDocument ? 'detail.document.yes' : 'detail.document.no') },
    ],
  };
}

/** Buttons under an application's card: the full application and its plan, each checked against the clicker's roles. */
export function applicationButtons(application: StaffApplication, language: StaffLanguage): StaffButton[] {
  if (!application.receiptNumber) return [];
  return [
    { id: componentId.detail(application.receiptNumber), label: staffText(language, 'feed.button.detail'), style: 'secondary' },
    ...(application.hasDocument ? [{ id: componentId.document(application.receiptNumber), label: staffText(language, 'feed.button.document'), style: 'secondary' as const }] : []),
  ];
}

/** The line posted in an application's thread for a change; field names only, never values. */
export function applicationChangeText(program: Program, notice: Notice, language: StaffLanguage): string {
  switch (notice.kind) {
    case 'application.updated': {
      const fields = Array.isArray(notice.detail.fields) ? notice.detail.fields as string[] : [];
      const today = calendarDate(notice.createdAt, program.timeZone);
      const labels = fields.map((id) => answerLabel(program, today, id, language)).join('、');
      return staffText(language, notice.detail.unsent ? 'feed.unsent' : 'feed.updated', { fields: labels });
    }
    case 'application.document': return staffText(language, 'feed.document');
    case 'application.withdrawn': return staffText(language, 'feed.withdrawn');
    default: return staffText(language, 'feed.submitted');
  }
}
