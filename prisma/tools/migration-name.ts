/**
 * Prisma's migration directory name: `<UTC YYYYMMDDHHMMSS>_<name>`. Directory order is
 * the order migrations are applied in, so if the clock reads at or before the newest
 * existing migration, the timestamp moves one second past it.
 */
export function migrationDirectoryName(name: string, now: Date, existing: string[]): string {
  const slug = slugify(name);
  const newest = existing
    .filter((dir) => /^\d{14}_/.test(dir))
    .map((dir) => dir.slice(0, 14))
    .sort()
    .at(-1);
  let timestamp = formatTimestamp(now);
  if (newest !== undefined && timestamp <= newest) timestamp = formatTimestamp(new Date(parseTimestamp(newest) + 1000));
  return `${timestamp}_${slug}`;
}

/** Lower-case letters, digits and underscores, as `prisma migrate dev --name` would use. */
export function slugify(name: string): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 200);
  if (slug === '') throw new Error(`migration name "${name}" has no letters or digits`);
  return slug;
}

function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}

function parseTimestamp(t: string): number {
  return Date.parse(`${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(8, 10)}:${t.slice(10, 12)}:${t.slice(12, 14)}Z`);
}
