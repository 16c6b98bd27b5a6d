import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const flowsDir = join(import.meta.dirname, '..', '..', 'flows');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const allowedPackages = new Set(['zod']);
const forbiddenGlobals = [/\bDate\.now\(/, /\bnew Date\(\)/, /\bMath\.random\(/, /\bprocess\./, /\bfetch\(/, /\bsetTimeout\(/, /\bconsole\./];

describe('flows/', () => {
  const files = sourceFiles(flowsDir);

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files.map((f) => [relative(flowsDir, f), f]))('%s imports only zod, node built-ins and flows/ itself', (_name, file) => {
    const source = readFileSync(file, 'utf8');
    const specifiers = [...source.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);
    for (const specifier of specifiers) {
      if (specifier.startsWith('.')) {
        const target = join(file, '..', specifier);
        expect(relative(flowsDir, target).startsWith('..'), `${specifier} leaves flows/`).toBe(false);
      } else {
        expect(allowedPackages.has(specifier) || specifier.startsWith('node:'), `${specifier} is not allowed in flows/`).toBe(true);
      }
    }
  });

  it.each(files.map((f) => [relative(flowsDir, f), f]))('%s reads no clock, randomness or I/O', (_name, file) => {
    const source = readFileSync(file, 'utf8');
    for (const pattern of forbiddenGlobals) expect(source, `${pattern} in ${file}`).not.toMatch(pattern);
  });

  it('keeps every Japanese catalog key in English too, and no extras', async () => {
    const { ja } = await import('../../flows/catalog/ja.ts');
    const { en } = await import('../../flows/catalog/en.ts');
    expect(Object.keys(en).sort()).toEqual(Object.keys(ja).sort());
  });
});
