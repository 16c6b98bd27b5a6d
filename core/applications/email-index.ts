/** The form an email takes before blind indexing, so lookups match however it was typed. */
export function normalizeEmailForIndex(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}
