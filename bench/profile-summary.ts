/**
 * Summarises a V8 .cpuprofile (from `npm run bench:webhook -- --cpu-prof`): where the
 * system under test spent its CPU, by self time per function and per area (a package
 * under node_modules, a folder of this project, or Node itself), and by total time
 * (including callees) per function.
 *
 * Usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [top=30]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const selfMicros = new Map<number, number>();
profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);

const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
const nameOf = (frame: ProfileNode['callFrame']) => `${frame.functionName || '(anonymous)'}  ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;

const byFunction = new Map<string, number>();
const byArea = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, micros] of selfMicros) {
  const frame = nodes.get(id)!.callFrame;
  byFunction.set(nameOf(frame), (byFunction.get(nameOf(frame)) ?? 0) + micros);
  const area = areaOf(frame);
  byArea.set(area, (byArea.get(area) ?? 0) + micros);
  // Each function on the stack once, however deep it recurses.
  const onStack = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) onStack.add(nameOf(nodes.get(at)!.callFrame));
  for (const name of onStack) inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
}

console.log(`profile: ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s wall, ${(total / 1e6).toFixed(1)} s sampled`);
print('self time by area', byArea, 25);
print('self time by function', byFunction, top);
print('total time (self + callees) by function', inclusive, top);

function print(title: string, table: Map<string, number>, limit: number): void {
  console.log(`\n${title}:`);
  for (const [name, micros] of [...table].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
    console.log(`${((micros / total) * 100).toFixed(1).padStart(5)} %  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${name}`);
  }
}

function areaOf(frame: ProfileNode['callFrame']): string {
  if (frame.url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (frame.url.startsWith('node:')) return 'node:*';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url);
  if (pkg) return pkg[1]!;
  // The system under test runs as an esbuild bundle (bench/.build/*.mjs): all of ouen's own code.
  if (frame.url.includes('/bench/.build/')) return 'ouen (bundled code)';
  const own = /\/(bot|core|flows|worker|generated|bench|cli)\//.exec(frame.url);
  return own ? `ouen/${own[1]}` : shortUrl(frame.url);
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\//, '').replace(/^.*node_modules\//, '').replace(/^\/work\/main\//, '');
}
