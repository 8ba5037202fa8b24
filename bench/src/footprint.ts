import { readFileSync } from 'node:fs';
import { table } from './report.ts';

/** The targets of the "start fast, stay small" goal, for one worker process. */
export const FOOTPRINT_TARGETS = { readyMs: 1_500, idleRssMb: 120, peakRssMb: 150 } as const;

/** A worker's start-up time and memory, measured around the bench's load. */
export interface Footprint {
  target: string;
  /** From spawning `node dex-worker` to its "worker listening" log line (the line's own timestamp). */
  readyMs: number;
  /** Resident memory 2 s after it started listening, before any load. */
  idleRssMb: number;
  /** The most resident memory it ever had (VmHWM), read after its load scenarios. */
  peakRssMb: number;
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

function verdict(value: number, limit: number): string {
  if (Number.isNaN(value)) return 'n/a';
  return value <= limit ? 'met' : 'NOT met';
}

/** The start-up and memory table, with each figure judged against its target. */
export function footprintTable(rows: readonly Footprint[]): string {
  const t = FOOTPRINT_TARGETS;
  return table(
    [
      'one dex-worker process',
      'ready ms',
      `≤ ${t.readyMs} ms`,
      'idle RSS MiB',
      `≤ ${t.idleRssMb} MiB`,
      'peak RSS MiB (load)',
      `≤ ${t.peakRssMb} MiB`,
    ],
    rows.map((r) => [
      r.target,
      Math.round(r.readyMs),
      verdict(r.readyMs, t.readyMs),
      Math.round(r.idleRssMb),
      verdict(r.idleRssMb, t.idleRssMb),
      Math.round(r.peakRssMb),
      verdict(r.peakRssMb, t.peakRssMb),
    ]),
  );
}
