import { readFileSync } from 'node:fs';
import { REPO_ROOT } from '@dex/shared/testing';

/** The parts of a V8 `.cpuprofile` (written by `node --cpu-prof`) this summary reads. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  /** Monotonic clock, microseconds. */
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileLine {
  /** `function (file:line)` or an area name. */
  what: string;
  /** Share of the samples in the window, in percent. */
  percent: number;
}

export interface ProfileSummary {
  /** CPU samples taken in the window, and how many of them the process was idle. */
  samples: number;
  idlePercent: number;
  /** False when the window could not be lined up with the profile's clock and the whole profile was used. */
  windowed: boolean;
  /** Functions by self time (the code that was running). */
  topSelf: ProfileLine[];
  /** Self time grouped by where the code lives (a package, dex's own sources, node internals, GC). */
  byArea: ProfileLine[];
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\//, '').replace(REPO_ROOT, '');
}

/** Where a function lives: `node_modules/<package>`, a dex source folder, `node:` internals, or a V8 pseudo-frame. */
function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const path = shortUrl(url);
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg?.[1] !== undefined) {
    const name = pkg[1];
    return name.startsWith('.prisma') || name.startsWith('@prisma') ? 'prisma (client, adapters)' : name;
  }
  if (path.startsWith('node:')) return 'node internals';
  if (path.includes('/src/db/generated/')) return 'prisma (client, adapters)';
  const dex = /^(apps\/[^/]+|packages\/[^/]+)/.exec(path);
  return dex?.[1] ?? path;
}

function top(map: Map<string, number>, total: number, count: number): ProfileLine[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([what, samples]) => ({ what, percent: (100 * samples) / total }));
}

/**
 * Summarises a `.cpuprofile`: where the samples taken in `window` (monotonic microseconds,
 * the clock of `process.hrtime` and of V8 profiles on Linux) went, by self time. (Inclusive
 * time says little here: after each `await` the stack starts over in a microtask, so the
 * handler that caused the work is no longer on it.)
 */
export function summarizeProfile(file: string, window: { from: number; to: number }, count = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const keyOf = (id: number) => {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) return '?';
    const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
    return frame.url === '' ? name : `${name} (${shortUrl(frame.url)}:${frame.lineNumber + 1})`;
  };

  // Each sample's timestamp is the profile start plus the running sum of the deltas.
  const stamps: number[] = [];
  let at = profile.startTime;
  for (const delta of profile.timeDeltas) {
    at += delta;
    stamps.push(at);
  }
  let chosen = profile.samples
    .map((_, index) => index)
    .filter((index) => (stamps[index] ?? 0) >= window.from && (stamps[index] ?? 0) <= window.to);
  const windowed = chosen.length > 0;
  if (!windowed) chosen = profile.samples.map((_, index) => index);

  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  let idle = 0;
  for (const index of chosen) {
    const id = profile.samples[index];
    if (id === undefined) continue;
    const frame = byId.get(id)?.callFrame;
    if (frame?.functionName === '(idle)') {
      idle++;
      continue;
    }
    const key = keyOf(id);
    self.set(key, (self.get(key) ?? 0) + 1);
    const area = frame === undefined ? '?' : areaOf(frame.url, frame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + 1);
  }
  const busy = chosen.length - idle;
  return {
    samples: chosen.length,
    idlePercent: chosen.length === 0 ? 0 : (100 * idle) / chosen.length,
    windowed,
    topSelf: top(self, busy, count),
    byArea: top(areas, busy, count),
  };
}
