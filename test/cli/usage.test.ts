import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', 'bin', 'ouen.mjs');

/** Runs `ouen` with these arguments; its exit code and output, whether it failed or not. */
async function ouen(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [bin, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

describe('the ouen command', () => {
  it('prints its usage for help, -h and --help', async () => {
    for (const args of [['help'], ['-h'], ['--help'], ['stats', '--help']]) {
      const { code, stdout } = await ouen(...args);
      expect({ args, code }).toEqual({ args, code: 0 });
      expect(stdout).toMatch(/^usage: ouen <command>\n/);
      expect(stdout).toContain('applications export --csv');
    }
  });

  it('answers an unknown option, or an option missing its value, with what is wrong and the usage, exit code 2 and no stack trace', async () => {
    for (const [args, problem] of [
      [['stats', '--out', 'x'], "Unknown option '--out'"],
      [['applications', 'export', '--csv', '--output'], "Option '-o, --output <value>' argument missing"],
      [['stats', '--json=yes'], "Option '--json' does not take an argument"],
    ] as const) {
      const { code, stdout, stderr } = await ouen(...args);
      expect({ args, code, stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(stderr).toContain(problem);
      expect(stderr).toContain('usage: ouen <command>');
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('answers an unknown command with the usage and exit code 2', async () => {
    const { code, stderr } = await ouen('frobnicate');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^unknown command: frobnicate\n\nusage: ouen <command>/);
  });
});
