#!/usr/bin/env -S node --max-semi-space-size=4
// The `ouen` command: runs the bundle in dist/ on plain Node, rebuilding it first when
// a source file is newer; if it cannot be built, runs the TypeScript through tsx.
import { pathToFileURL } from 'node:url';
import { ensureBuilt } from '../scripts/build.mjs';

const bundle = await ensureBuilt();
if (bundle) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
