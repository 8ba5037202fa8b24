import { readFileSync } from 'node:fs';
import { table } from './report.ts';

/**
 * The goals of the "start fast, stay small" part of issue 16 for one worker process, in the
 * issue's units: milliseconds and MB (10^6 bytes). The figures are measured in MiB (2^20
 * bytes, as /proc reports them), so the memory goals are judged as 114.4 and 143.1 MiB.
 */
export const FOOTPRINT_TARGETS = { readyMs: 1_500, idleRssMb: 120, peakRssMb: 150 } as const;

const MIB_PER_MB = 1e6 / 2 ** 20;

/** Resident memory and its high-water mark (MiB) right after one phase of the bench. */
export interface FootprintPhase {
  phase: string;
  rssMb: number;
  hwmMb: number;
}

/** A worker's start-up time and memory, measured around the bench's load. */
export interface Footprint {
  target: string;
  /** From spawning `node dex-worker` to its "worker listening" log line (the line's own timestamp). */
  readyMs: number;
  /** Resident memory (MiB) 2 s after it started listening, before any load. */
  idleRssMb: number;
  /** The most resident memory (MiB) it ever had (VmHWM), read after its load scenarios. */
  peakRssMb: number;
  /** After each phase (idle, the logins, each load scenario): where the high-water mark was set. */
  phases: FootprintPhase[];
}

/**
 * A process's resident memory in MiB from /proc/<pid>/status: `VmRSS` now, or `VmHWM`, the
 * high-water mark since it started. NaN where /proc cannot be read.
 */
export function residentMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? Number.NaN : Number(match[1]) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** The process's resident memory and high-water mark now, labelled with the phase just ended. */
export function memoryPhase(pid: number, phase: string): FootprintPhase {
  return { phase, rssMb: residentMb(pid, 'VmRSS'), hwmMb: residentMb(pid, 'VmHWM') };
}

function verdict(value: number, limit: number): string {
  if (Number.isNaN(value)) return 'n/a';
  return value <= limit ? 'met' : 'NOT met';
}

/** The start-up and memory table: each figure beside its goal and whether it meets it. */
export function footprintTable(rows: readonly Footprint[]): string {
  const t = FOOTPRINT_TARGETS;
  const idleMib = t.idleRssMb * MIB_PER_MB;
  const peakMib = t.peakRssMb * MIB_PER_MB;
  return table(
    [
      'one dex-worker process',
      'ready ms',
      `goal ≤ ${t.readyMs} ms`,
      'idle RSS MiB',
      `goal ≤ ${t.idleRssMb} MB (${idleMib.toFixed(1)} MiB)`,
      'peak RSS MiB (load)',
      `goal ≤ ${t.peakRssMb} MB (${peakMib.toFixed(1)} MiB)`,
    ],
    rows.map((r) => [
      r.target,
      Math.round(r.readyMs),
      verdict(r.readyMs, t.readyMs),
      r.idleRssMb.toFixed(1),
      verdict(r.idleRssMb, idleMib),
      r.peakRssMb.toFixed(1),
      verdict(r.peakRssMb, peakMib),
    ]),
  );
}

/** One line per worker: RSS / high-water mark (MiB) after each phase. */
export function footprintPhases(row: Footprint): string {
  const phases = row.phases.map((p) => `${p.phase} ${Math.round(p.rssMb)}/${Math.round(p.hwmMb)}`);
  return `${row.target}, RSS / high-water mark MiB after each phase: ${phases.join(', ')}`;
}
