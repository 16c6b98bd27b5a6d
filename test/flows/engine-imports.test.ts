/**
 * The engine imports no flow module: adding a module changes no engine file. Reads the
 * imports (type imports and re-exports included) of every file in flows/engine/, and of
 * everything they import in turn, and fails on any that reaches a module's directory.
 * The one way into a module directory is its catalog file (`<module>.catalog.ts`, data
 * that imports nothing), which flows/catalog/catalog.ts composes into the flat catalog.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const flowsDir = join(import.meta.dirname, '..', '..', 'flows');
const engineDir = join(flowsDir, 'engine');
const registryFile = join(flowsDir, 'modules.ts');

/** Every module specifier in a source: `import … from`, `import type … from`, `export … from`, `import '…'`, `import('…')`. */
export function importsOf(source: string): string[] {
  const patterns = [
    /(?:^|[;\s])(?:import|export)\s[^'";]*?\sfrom\s*['"]([^'"]+)['"]/g,
    /(?:^|[;\s])import\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[1]!));
}

/** Relative imports of a file, resolved to paths. */
function localImports(file: string): string[] {
  return importsOf(readFileSync(file, 'utf8')).filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s));
}

/** Directories of flow modules: those the registry imports from (other than the engine), and the contest's, whatever the registry says. */
function moduleDirs(): string[] {
  const fromRegistry = localImports(registryFile).map((target) => dirname(target)).filter((dir) => dir !== engineDir && dir !== flowsDir);
  return [...new Set([join(flowsDir, 'contest'), ...fromRegistry])];
}

const isCatalogData = (file: string) => file.endsWith('.catalog.ts');
const inside = (dir: string, file: string) => !relative(dir, file).startsWith('..');

/** The first import chain from `start` into a module directory's code, if there is one. */
function reachesModule(start: string, dirs: string[]): string[] | null {
  const seen = new Set<string>();
  const walk = (file: string, chain: string[]): string[] | null => {
    if (seen.has(file)) return null;
    seen.add(file);
    for (const target of localImports(file)) {
      const path = [...chain, relative(flowsDir, target)];
      if (dirs.some((dir) => inside(dir, target)) && !isCatalogData(target)) return path;
      if (target.endsWith('.ts') && inside(flowsDir, target)) {
        const found = walk(target, path);
        if (found) return found;
      }
    }
    return null;
  };
  return walk(start, [relative(flowsDir, start)]);
}

const engineFiles = readdirSync(engineDir).filter((name) => name.endsWith('.ts')).map((name) => join(engineDir, name));

describe('flows/engine', () => {
  it('has files to check, and the registry names the module directories', () => {
    expect(engineFiles.length).toBeGreaterThan(10);
    expect(moduleDirs().map((dir) => relative(flowsDir, dir))).toContain('contest');
  });

  it.each(engineFiles.map((f) => [relative(flowsDir, f), f]))('%s imports nothing from a flow module', (_name, file) => {
    const direct = localImports(file).filter((target) => moduleDirs().some((dir) => inside(dir, target)));
    expect(direct.map((target) => relative(flowsDir, target))).toEqual([]);
  });

  it.each(engineFiles.map((f) => [relative(flowsDir, f), f]))('%s reaches no module code through other files either', (_name, file) => {
    expect(reachesModule(file, moduleDirs())).toBeNull();
  });

  it('has no separate menu that could know a module (the menu is the engine\'s, from the modules\' items)', () => {
    expect(() => statSync(join(flowsDir, 'menu'))).toThrow();
  });

  it('lets modules into the catalog only through data files that import nothing', () => {
    const catalogs = moduleDirs().flatMap((dir) => readdirSync(dir).filter(isCatalogData).map((name) => join(dir, name)));
    expect(catalogs.length).toBeGreaterThan(0);
    for (const file of catalogs) expect(importsOf(readFileSync(file, 'utf8')), file).toEqual([]);
  });
});

describe('the import reader', () => {
  it('finds every way a file can name another, so the checks above can fail', () => {
    const source = [
      "import { a } from '../contest/a.ts';",
      "import type { B } from '../contest/b.ts';",
      'import {\n  c,\n  type D,\n} from "../contest/c.ts";',
      "export { e } from '../contest/e.ts';",
      "export type * from '../contest/f.ts';",
      "import '../contest/g.ts';",
      "const h = await import('../contest/h.ts');",
    ].join('\n');
    expect(importsOf(source)).toEqual(expect.arrayContaining(['a', 'b', 'c', 'e', 'f', 'g', 'h'].map((x) => `../contest/${x}.ts`)));
    expect(importsOf(source)).toHaveLength(7);
  });

  it('follows a chain through a file outside the engine', () => {
    // flows/engine/text.ts → flows/catalog/catalog.ts → flows/contest/contest.catalog.ts (data: allowed);
    // the same chain ending in module code would be reported.
    expect(reachesModule(join(engineDir, 'text.ts'), moduleDirs())).toBeNull();
    expect(reachesModule(join(engineDir, 'text.ts'), [join(flowsDir, 'catalog')])).toEqual(['engine/text.ts', 'catalog/catalog.ts']);
  });
});
