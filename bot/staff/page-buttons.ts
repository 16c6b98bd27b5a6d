/** The previous / next buttons under one page of a long list (failed deliveries, an approval's applications). */
import { staffText, type StaffLanguage } from './staff-messages.ts';
import type { StaffButton } from './staff-types.ts';

export function pageButtons(language: StaffLanguage, page: number, hasMore: boolean, idOf: (page: number) => string): StaffButton[] {
  return [
    ...(page > 0 ? [{ id: idOf(page - 1), label: staffText(language, 'page.previous'), style: 'secondary' as const }] : []),
    ...(hasMore ? [{ id: idOf(page + 1), label: staffText(language, 'page.next'), style: 'secondary' as const }] : []),
  ];
}
