/**
 * Process and machine figures from Linux's /proc: peak resident memory, CPU time spent,
 * and how busy the whole machine was. Linux only, like the machines the targets are for.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: /proc reports CPU time in ticks of 1/100 s on every Linux build that matters. */
const TICKS_PER_SECOND = 100;

/** Peak resident set size (VmHWM) of a live process, in MiB; 0 once it has exited. */
export function peakRssMiB(pid: number): number {
  return statusKiB(pid, 'VmHWM') / 1024;
}

/** Current resident set size (VmRSS) of a live process, in MiB; 0 once it has exited. */
export function rssMiB(pid: number): number {
  return statusKiB(pid, 'VmRSS') / 1024;
}

/** User + system CPU seconds a live process has used so far; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; fields after its closing ')' are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by every live process whose command name is `name` (e.g. `postgres`). */
export function cpuSecondsOf(name: string): number {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name) total += cpuSeconds(Number(pid));
    } catch {
      // Gone between the listing and the read.
    }
  }
  return total;
}

/** Busy and total CPU ticks of the whole machine, all cores together. */
export interface MachineTicks {
  busy: number;
  total: number;
}

export function machineTicks(): MachineTicks {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, v) => sum + v, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

/** Share of all cores that were busy between two readings, 0–1. */
export function busyShare(from: MachineTicks, to: MachineTicks): number {
  const total = to.total - from.total;
  return total > 0 ? (to.busy - from.busy) / total : 0;
}

function statusKiB(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    // A process that has exited but not been reaped yet has no memory lines at all.
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Below this share of all cores busy, the machine counts as quiet enough to measure on. */
export const QUIET = 0.15;

/**
 * The machine's busy share over two seconds; with `waitMs`, keeps measuring until it is
 * quiet or the time is up, and returns the last reading.
 */
export async function machineBusyShare(waitMs = 0): Promise<number> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const from = machineTicks();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const busy = busyShare(from, machineTicks());
    if (busy < QUIET || Date.now() >= deadline) return busy;
  }
}

/**
 * Connection attempts the kernel dropped because a listening socket's accept queue was
 * full (TcpExt ListenOverflows), machine-wide: a server too busy to accept() makes clients
 * wait for SYN retransmits (1 s, 3 s, 7 s, …).
 */
export function listenOverflows(): number {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:'));
  const names = lines[0]?.split(/\s+/) ?? [];
  const values = lines[1]?.split(/\s+/) ?? [];
  const at = names.indexOf('ListenOverflows');
  return at > 0 ? Number(values[at]) : 0;
}
