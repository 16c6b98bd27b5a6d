/**
 * Ids of the buttons the staff feed posts (Discord custom ids). They are part of the
 * staff command layer's ids (bot/staff/staff-components.ts), which parses them strictly
 * when clicked and checks everything they name again on the server.
 */
export const feedComponentId = {
  /** An application's card and its plan document (the applications channel). */
  detail: (receiptNumber: string) => `ouen:detail:${receiptNumber}`,
  document: (receiptNumber: string) => `ouen:document:${receiptNumber}`,
  /** The human inbox: answer (opens the form) and close. */
  reply: (handoffId: string) => `ouen:reply:${handoffId}`,
  close: (handoffId: string) => `ouen:close:${handoffId}`,
};
