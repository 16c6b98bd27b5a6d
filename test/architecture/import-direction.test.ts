/**
 * Every import points down: flows ← core ← channels ← runtime ← bot / worker ← cli
 * (docs/ARCHITECTURE.md "Layers"). Read from the sources with TypeScript's own scanner,
 * so type imports, re-exports and `import()` count as much as value imports; a test or
 * a benchmark may reach anywhere, the product may not.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');

/** Lower number = lower layer. `bot` and `worker` share a floor and never import each other. */
const LAYERS: Record<string, number> = {
  generated: 0, flows: 0, core: 1, channels: 2, runtime: 3, bot: 4, worker: 4, cli: 5,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'public' ? [] : sourceFiles(path);
    return /\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const topOf = (path: string) => relative(root, path).split('/')[0]!;

/** Every module a file names: static, type-only, re-exports and dynamic `import()`. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName).filter((name) => name.startsWith('.'));
}

interface Arrow { from: string; to: string }

function upwardArrows(): Arrow[] {
  const arrows: Arrow[] = [];
  for (const top of Object.keys(LAYERS).filter((t) => t !== 'generated')) {
    for (const file of sourceFiles(join(root, top))) {
      for (const specifier of importsOf(file)) {
        const target = resolve(dirname(file), specifier);
        const targetTop = topOf(target);
        if (!(targetTop in LAYERS) || targetTop === top) continue;
        const sideways = LAYERS[targetTop] === LAYERS[top];
        if (LAYERS[targetTop]! > LAYERS[top]! || sideways) arrows.push({ from: relative(root, file), to: relative(root, target) });
      }
    }
  }
  return arrows;
}

describe('import direction', () => {
  it('finds the layers it checks', () => {
    for (const top of ['flows', 'core', 'channels', 'runtime', 'bot', 'worker', 'cli']) {
      expect(sourceFiles(join(root, top)).length, top).toBeGreaterThan(0);
    }
  });

  it('sees type imports and dynamic imports as arrows', () => {
    const scanned = ts.preProcessFile("import type { A } from '../bot/a.ts';\nconst b = await import('../worker/b.ts');", true, true);
    expect(scanned.importedFiles.map((f) => f.fileName)).toEqual(['../bot/a.ts', '../worker/b.ts']);
  });

  it('has no import that points up (or between bot/ and worker/)', () => {
    expect(upwardArrows()).toEqual([]);
  });
});
