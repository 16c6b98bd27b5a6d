/**
 * Memory of a whole process tree from Linux's /proc: a process and every process it
 * started (a database server and its backends included), summed. PSS (proportional set
 * size, /proc/PID/smaps_rollup) splits shared pages between the processes that map them,
 * so a server's shared memory is counted once across its processes, not once per backend
 * as a sum of RSS would.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessMemory {
  pid: number;
  name: string;
  pssKiB: number;
  rssKiB: number;
}

/** `root` and all its live descendants, found through each process's parent id. */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = parentOf(Number(entry));
    if (parent === undefined) continue;
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Each live process of the tree with its PSS and RSS; processes that exited meanwhile are left out. */
export function treeMemory(root: number): ProcessMemory[] {
  return processTree(root).flatMap((pid) => {
    const memory = memoryOf(pid);
    return memory ? [memory] : [];
  });
}

/** Sum of PSS over some processes, in MiB. */
export function pssMiB(processes: ProcessMemory[]): number {
  return processes.reduce((sum, p) => sum + p.pssKiB, 0) / 1024;
}

function memoryOf(pid: number): ProcessMemory | undefined {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const name = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    return { pid, name, pssKiB: kib(rollup, 'Pss'), rssKiB: kib(rollup, 'Rss') };
  } catch {
    return undefined;
  }
}

function kib(text: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the parent id is the second field after it.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}
