/**
 * Cuts text to a number of characters (code points, so an emoji or a rare kanji is never
 * split), marking the cut with "…". Discord's limits and our own short records count
 * characters; LINE counts UTF-16 units and has its own (channels/line/render.ts).
 */
export function clipCharacters(text: string, max: number): string {
  const characters = Array.from(text);
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join('')}…`;
}

/**
 * The latest `items` whose sizes (with `sizeOf`) add up to at most `room`, in their order:
 * in a conversation shown in a limited space, the latest lines matter most.
 */
export function latestThatFit<T>(items: readonly T[], room: number, sizeOf: (item: T) => number): T[] {
  const kept: T[] = [];
  let left = room;
  for (let i = items.length - 1; i >= 0; i--) {
    const size = sizeOf(items[i]!);
    if (size > left) break;
    kept.unshift(items[i]!);
    left -= size;
  }
  return kept;
}
