import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '../../scripts/node-flags.mjs';

const root = join(import.meta.dirname, '..', '..');

describe('the server runs with the same Node flags however it is started', () => {
  it('npm start passes them', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } };
    expect(pkg.scripts.start).toBe(`node ${SERVER_NODE_FLAGS.join(' ')} bin/ouen.mjs start`);
  });

  it("the ouen command's shebang passes them", () => {
    const shebang = readFileSync(join(root, 'bin', 'ouen.mjs'), 'utf8').split('\n')[0];
    expect(shebang).toBe(`#!/usr/bin/env -S node ${SERVER_NODE_FLAGS.join(' ')}`);
  });
});
