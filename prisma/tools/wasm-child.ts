import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Flags for Prisma's wasm schema engine: Node 20 imports `.wasm` modules only with
 * --experimental-wasm-modules (accepted, and harmless, on 22 and 24).
 */
export const WASM_NODE_FLAGS = ['--experimental-wasm-modules', '--disable-warning=ExperimentalWarning', '--import', 'tsx'];

/**
 * Runs a TypeScript script that imports `@prisma/schema-engine-wasm` in a child Node with
 * {@link WASM_NODE_FLAGS}, so the caller can run under plain `tsx` or vitest. The script
 * reads `input` as JSON on stdin and writes its JSON answer on stdout; a non-zero exit
 * becomes an error carrying the child's stderr.
 */
export async function runInWasmChild<T>(script: string, input: unknown, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  const child = spawn(process.execPath, [...WASM_NODE_FLAGS, script], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.end(JSON.stringify(input));
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (exitCode !== 0) {
    throw new Error(`${script} failed (exit ${exitCode}):\n${Buffer.concat(stderr).toString('utf8')}`);
  }
  return JSON.parse(Buffer.concat(stdout).toString('utf8')) as T;
}
