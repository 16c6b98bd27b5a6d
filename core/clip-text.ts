/**
 * Cuts text to a number of characters (code points, so an emoji or a rare kanji is never
 * split), marking the cut with "…". Discord's limits and our own short records count
 * characters; LINE counts UTF-16 units and has its own (bot/line/render.ts).
 */
export function clipCharacters(text: string, max: number): string {
  const characters = Array.from(text);
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join('')}…`;
}
