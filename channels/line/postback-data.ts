/**
 * Postback data is ours: `c:<choice value>` for a button, `d` for the date picker.
 * It comes back from the client, so it is parsed, never trusted.
 */
export const choiceData = (value: string) => `c:${value}`;
export const DATE_PICKER_DATA = 'd';

export type PostbackInput = { type: 'choice'; value: string } | { type: 'date'; date: string } | null;

export function parsePostback(data: string, params?: { date?: string }): PostbackInput {
  if (data.startsWith('c:') && data.length > 2) return { type: 'choice', value: data.slice(2) };
  if (data === DATE_PICKER_DATA && params?.date) return { type: 'date', date: params.date };
  return null;
}
