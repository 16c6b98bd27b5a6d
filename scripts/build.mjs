#!/usr/bin/env node
/**
 * Bundles ouen's own TypeScript into dist/ouen.mjs, and the processing thread's entry
 * into dist/processing-thread.mjs beside it (packages stay external), so the
 * server runs on plain Node: no TypeScript loader thread, less memory, faster start.
 * Takes well under a second. `ensureBuilt` rebuilds only when a source file is newer,
 * and replaces the bundle atomically so processes starting together never read half a file.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = join(root, 'dist', 'ouen.mjs');
/** Worker-thread entries, bundled beside every bundle that may start them. */
export const THREAD_ENTRIES = ['runtime/processing-thread.ts'];
const sourceDirs = ['bot', 'channels', 'core', 'flows', 'runtime', 'worker', 'cli', 'generated'];

export async function buildOuen() {
  await bundleEntry('cli/main.ts', outfile);
}

/** The thread entries' bundles for a bundle at `target` (they are found beside it). */
function threadTargets(target) {
  return THREAD_ENTRIES.map((entry) => join(dirname(target), basename(entry).replace(/\.ts$/, '.mjs')));
}

/**
 * Bundles one entry point (a path inside the project) to `target` the way ouen runs in
 * production: ESM for Node 20, packages left external, the thread entries beside it, and
 * code split at dynamic imports into `chunks/`, so each thread loads only what it runs
 * (the web thread, for one, never loads the turns' code or the tools' Prisma client).
 */
export async function bundleEntry(entry, target) {
  // esbuild's service process would otherwise live as long as this one (about 40 MB
  // beside a server that rebuilt its bundle at start): stopped once the build is done.
  const { build, stop } = await import('esbuild');
  const outdir = dirname(target);
  const name = (path) => basename(path).replace(/\.(ts|mjs)$/, '');
  const entryPoints = Object.fromEntries([[name(target), entry], ...THREAD_ENTRIES.map((thread) => [name(thread), thread])]);
  const result = await build({
    absWorkingDir: root,
    entryPoints,
    outdir,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    splitting: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
    write: false,
  }).finally(() => stop());
  // Chunks first, entries last: a process starting meanwhile finds every chunk its entry names.
  const files = [...result.outputFiles].sort((a, b) => Number(!a.path.includes('/chunks/')) - Number(!b.path.includes('/chunks/')));
  for (const file of files) {
    mkdirSync(dirname(file.path), { recursive: true });
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
  removeOldChunks(join(outdir, 'chunks'), new Set(files.map((f) => f.path)));
}

/** Chunks of earlier builds, once no process started from them can still need them (a day). */
function removeOldChunks(dir, keep) {
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (!keep.has(path) && mtime(path) < dayAgo) rmSync(path, { force: true });
  }
}

/** The bundle's path, rebuilt first if any source is newer; null when it cannot be built here. */
export async function ensureBuilt() {
  const built = Math.min(...[outfile, ...threadTargets(outfile)].map(mtime));
  if (built > 0 && newestSource() <= built) return outfile;
  try {
    await buildOuen();
    return outfile;
  } catch (error) {
    console.error(`ouen: could not bundle (${error.message}); running from source`);
    return null;
  }
}

function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'public') walk(path);
      } else if (/\.(ts|json)$/.test(entry.name)) {
        newest = Math.max(newest, mtime(path));
      }
    }
  };
  for (const dir of sourceDirs) walk(join(root, dir));
  return newest;
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildOuen();
