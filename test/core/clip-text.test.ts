import { describe, expect, it } from 'vitest';
import { clipCharacters, latestThatFit } from '../../core/clip-text.ts';

describe('clipCharacters', () => {
  it('cuts by code points, so an emoji outside the BMP is never split in half, and marks the cut', () => {
    expect(clipCharacters('あいうえお', 5)).toBe('あいうえお');
    expect(clipCharacters('🌱🌱🌱🌱', 3)).toBe('🌱🌱…');
    expect(clipCharacters('𠮷野家の牛丼', 3)).toBe('𠮷野…');
  });
});

describe('latestThatFit', () => {
  const length = (s: string) => s.length;

  it('keeps the latest items that fit, in their order', () => {
    expect(latestThatFit(['aaaa', 'bb', 'cc', 'd'], 5, length)).toEqual(['bb', 'cc', 'd']);
  });

  it('stops at the first item from the end that does not fit, rather than skipping it', () => {
    expect(latestThatFit(['a', 'bbbbbb', 'c'], 5, length)).toEqual(['c']);
  });

  it('keeps nothing when even the latest is too large', () => {
    expect(latestThatFit(['a', 'bbbbbb'], 5, length)).toEqual([]);
  });
});
