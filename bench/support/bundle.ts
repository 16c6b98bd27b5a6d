/**
 * Bundles a benchmark process with ouen's own build definition (scripts/build.mjs
 * `bundleEntry`: esbuild, ESM for Node 20, packages left external), so the system under
 * test runs on plain Node exactly as `ouen start` runs ouen: no TypeScript loader thread
 * in its memory or its CPU.
 */
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

type BundleEntry = (entry: string, target: string) => Promise<void>;

const outDir = fileURLToPath(new URL('../.build', import.meta.url));
const buildScript = new URL('../../scripts/build.mjs', import.meta.url).href;

/** Bundles `entry` (a path inside the project) into bench/.build/ and returns the bundle's path. */
export async function bundle(entry: string): Promise<string> {
  // Imported by URL: build.mjs is plain JavaScript without type declarations.
  const { bundleEntry } = (await import(buildScript)) as { bundleEntry: BundleEntry };
  const target = join(outDir, basename(entry).replace(/\.ts$/, '.mjs'));
  await bundleEntry(entry, target);
  return target;
}
