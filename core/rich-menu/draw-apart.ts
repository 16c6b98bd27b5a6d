/**
 * Draws rich menus in a short-lived child process (`ouen richmenu draw`: definitions as
 * JSON on stdin, PNGs as base64 JSON on stdout). Drawing loads resvg and two Noto Sans JP
 * files and keeps about 75 MiB of native memory in the process that drew (measured on
 * the five default menus); a long-running server that draws only at start (local mode)
 * gives that back when the child exits.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../project-root.ts';
import type { RichMenuDefinition } from './rich-menu-definition.ts';

/** The images, in the order of `definitions`; `signal` ends the child (a server stopping meanwhile). */
export async function drawApart(definitions: readonly RichMenuDefinition[], signal?: AbortSignal): Promise<Buffer[]> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'ouen.mjs'), 'richmenu', 'draw'], { stdio: ['pipe', 'pipe', 'pipe'], signal });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 1));
  });
  child.stdin.on('error', () => undefined); // a child ended by `signal` closes its stdin under the write
  child.stdin.end(JSON.stringify(definitions));
  const code = await exited;
  if (code !== 0) throw new Error(`ouen richmenu draw exited with ${code}: ${Buffer.concat(err).toString('utf8').slice(0, 500)}`);
  const images = JSON.parse(Buffer.concat(out).toString('utf8')) as string[];
  if (images.length !== definitions.length) throw new Error(`ouen richmenu draw returned ${images.length} images for ${definitions.length} menus`);
  return images.map((image) => Buffer.from(image, 'base64'));
}
