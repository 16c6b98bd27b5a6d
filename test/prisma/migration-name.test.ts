import { describe, expect, it } from 'vitest';
import { migrationDirectoryName, slugify } from '../../prisma/tools/migration-name.ts';

describe('migrationDirectoryName', () => {
  const now = new Date('2026-03-04T05:06:07.890Z');

  it('prefixes the UTC timestamp to the slug', () => {
    expect(migrationDirectoryName('add seminars', now, [])).toBe('20260304050607_add_seminars');
  });

  it('sorts after the newest migration even when the clock is behind', () => {
    expect(migrationDirectoryName('next', now, ['20260304050607_init', 'migration_lock.toml'])).toBe(
      '20260304050608_next',
    );
    expect(migrationDirectoryName('next', now, ['20991231235959_future'])).toBe('21000101000000_next');
  });
});

describe('slugify', () => {
  it.each([
    ['Add Seminar Slots', 'add_seminar_slots'],
    ['  booking--capacity!  ', 'booking_capacity'],
    ['予約 add', 'add'],
  ])('turns %j into %j', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  it('refuses a name with no letters or digits', () => {
    expect(() => slugify('予約')).toThrow(/no letters or digits/);
  });
});
