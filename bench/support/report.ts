/** The benchmark's verdict against the targets, and a table a person can read. */
import type { PhaseResult } from './phase.ts';
import { round } from './latency.ts';

/** The targets, for a 2-core machine. */
export const TARGETS = {
  sustainedEventsPerSecond: 1000,
  fixedRate: 300,
  ackP99Ms: 50,
  /** Decimal megabytes, as the issue writes them. */
  peakRssMB: 250,
  echoRatio: 0.5,
} as const;

export interface Verdict {
  target: string;
  measured: string;
  met: boolean;
}

/** Other people's work above this many cores during a window makes its figures doubtful. */
export const DISTURBED_CORES = 0.25;

const disturbed = (...phases: PhaseResult[]) => {
  const worst = Math.max(...phases.map((p) => p.cpu.others));
  return worst > DISTURBED_CORES ? ` [machine disturbed: others used ${worst} cores]` : '';
};

export interface Outcome {
  sustained: PhaseResult;
  fixedRate: PhaseResult;
  echo?: PhaseResult;
  ouenPeakRssMiB: number;
}

export function verdicts({ sustained, fixedRate, echo, ouenPeakRssMiB }: Outcome): Verdict[] {
  const rssMB = (ouenPeakRssMiB * 1024 * 1024) / 1e6;
  const list: Verdict[] = [
    {
      target: `sustained ≥ ${TARGETS.sustainedEventsPerSecond} events/s through the full flow`,
      measured: `${sustained.eventsPerSecond} events/s${disturbed(sustained)}`,
      met: sustained.eventsPerSecond >= TARGETS.sustainedEventsPerSecond,
    },
    {
      target: `p99 ack ≤ ${TARGETS.ackP99Ms} ms at ${TARGETS.fixedRate} events/s`,
      measured: `${fixedRate.ack.p99} ms (p50 ${fixedRate.ack.p50} ms) at ${rateOf(fixedRate)} events/s offered, ${fixedRate.eventsPerSecond} answered${disturbed(fixedRate)}`,
      // Judged only at the target rate, and only if the system kept up with it.
      met: fixedRate.ack.p99 <= TARGETS.ackP99Ms && rateOf(fixedRate) >= TARGETS.fixedRate && keptUp(fixedRate),
    },
    {
      target: `peak RSS ≤ ${TARGETS.peakRssMB} MB`,
      measured: `${round(rssMB)} MB (${round(ouenPeakRssMiB)} MiB)`,
      met: rssMB <= TARGETS.peakRssMB,
    },
  ];
  if (echo) {
    const ratio = round(sustained.eventsPerSecond / echo.eventsPerSecond, 2);
    list.push({
      target: `≥ ${TARGETS.echoRatio} × the echo bot's throughput`,
      measured: `${ratio} (${sustained.eventsPerSecond} / ${echo.eventsPerSecond} events/s)${disturbed(sustained, echo)}`,
      met: ratio >= TARGETS.echoRatio,
    });
  }
  return list;
}

const rateOf = (phase: PhaseResult) => (phase.shape.kind === 'open' ? phase.shape.rate : 0);

/** An open-loop phase kept up if every due event found an idle user and (nearly) all were answered in the window. */
function keptUp(phase: PhaseResult): boolean {
  return phase.starved === 0 && phase.eventsPerSecond >= 0.95 * rateOf(phase);
}

export function phaseTable(phases: PhaseResult[]): string {
  const rows: Array<[string, (p: PhaseResult) => string]> = [
    ['load', (p) => (p.shape.kind === 'closed' ? `closed loop, ${p.users} users` : `open loop, ${p.shape.rate}/s`)],
    ['window (s)', (p) => String(p.windowSeconds)],
    ['answered events/s', (p) => String(p.eventsPerSecond)],
    ['sent / acked events/s', (p) => `${p.sentPerSecond} / ${p.acksPerSecond}`],
    ['ack p50 / p90 / p99 / max (ms)', (p) => `${p.ack.p50} / ${p.ack.p90} / ${p.ack.p99} / ${p.ack.max}`],
    ['turn p50 / p99 (ms)', (p) => `${p.turn.p50} / ${p.turn.p99}`],
    ['schedule lag p99 (ms)', (p) => (p.lag ? String(p.lag.p99) : '–')],
    ['TCP accept-queue overflows', (p) => String(p.listenOverflows)],
    ['HTTP statuses', (p) => Object.entries(p.statuses).map(([s, n]) => `${s}×${n}`).join(' ')],
    ['answers', (p) => Object.entries(p.answers).map(([k, n]) => `${k}×${n}`).join(' ')],
    ['LINE API calls', (p) => Object.entries(p.lineApiCalls).map(([k, n]) => `${k.replace(/^\w+ \/v2\/bot\//, '')}×${n}`).join(' ')],
    ['starved / unexpected answers', (p) => `${p.starved} / ${p.unexpectedDeliveries}`],
    ['backlog start / end / max', (p) => `${p.backlog.atStart} / ${p.backlog.atEnd} / ${p.backlog.max}`],
    ['CPU cores: SUT / pg / fake / loadgen', (p) => `${p.cpu.systemUnderTest} / ${p.cpu.postgres ?? '–'} / ${p.cpu.fakeLine} / ${p.cpu.loadGenerator}`],
    ['CPU ms per event: SUT / pg / fake / loadgen', (p) => {
      const c = p.cpuMsPerEvent;
      return `${c.systemUnderTest} / ${c.postgres ?? '–'} / ${c.fakeLine} / ${c.loadGenerator}`;
    }],
    ['SUT event-loop delay p50 / p99 / max (ms)', (p) => (p.eventLoopDelay ? `${p.eventLoopDelay.p50} / ${p.eventLoopDelay.p99} / ${p.eventLoopDelay.max}` : '–')],
    ['machine busy (others\' cores)', (p) => `${Math.round(p.cpu.machineBusyShare * 100)} % (${p.cpu.others})`],
    ['SUT RSS max (MiB)', (p) => String(p.rssMaxMiB)],
  ];
  const header = ['', ...phases.map((p) => `${p.system}: ${p.name}`)];
  const body = rows.map(([label, cell]) => [label, ...phases.map(cell)]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i]!)).join(' │ ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...body.map(line)].join('\n');
}

export function verdictTable(list: Verdict[]): string {
  return list.map((v) => `${v.met ? 'MET    ' : 'NOT MET'}  ${v.target}: ${v.measured}`).join('\n');
}
