/**
 * A small Prometheus registry (text exposition format 0.0.4): counters and histograms with
 * labels, enough for the worker's request, login and token-grant metrics without a
 * dependency.
 */
export type Labels = Readonly<Record<string, string>>;

/** The keys of label sets a caller reuses (see `labelKey`). */
const LABEL_KEYS = new WeakMap<Labels, string>();

/**
 * The series key of a label set. Callers on a hot path pass the same (frozen) object for the
 * same labels, and its key is computed once.
 */
function labelKey(labels: Labels): string {
  let key = LABEL_KEYS.get(labels);
  if (key === undefined) {
    key = computeLabelKey(labels);
    LABEL_KEYS.set(labels, key);
  }
  return key;
}

function computeLabelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((name) => `${name}="${(labels[name] ?? '').replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`)
    .join(',');
}

export interface Metric {
  render(): string;
}

export class Counter implements Metric {
  readonly #values = new Map<string, number>();
  readonly name: string;
  readonly help: string;
  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }

  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    this.#values.set(key, (this.#values.get(key) ?? 0) + by);
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [key, value] of this.#values) lines.push(`${this.name}${key === '' ? '' : `{${key}}`} ${value}`);
    return lines.join('\n');
  }
}

export class Histogram implements Metric {
  readonly #series = new Map<string, { counts: number[]; sum: number; count: number }>();
  readonly name: string;
  readonly help: string;
  readonly buckets: readonly number[];
  constructor(name: string, help: string, buckets: readonly number[]) {
    this.name = name;
    this.help = help;
    this.buckets = buckets;
  }

  observe(labels: Labels, value: number): void {
    const key = labelKey(labels);
    let series = this.#series.get(key);
    if (series === undefined) {
      series = { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.#series.set(key, series);
    }
    for (const [index, bound] of this.buckets.entries()) if (value <= bound) series.counts[index] = (series.counts[index] ?? 0) + 1;
    series.sum += value;
    series.count++;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [key, series] of this.#series) {
      const prefix = key === '' ? '' : `${key},`;
      for (const [index, bound] of this.buckets.entries())
        lines.push(`${this.name}_bucket{${prefix}le="${bound}"} ${series.counts[index] ?? 0}`);
      lines.push(`${this.name}_bucket{${prefix}le="+Inf"} ${series.count}`);
      lines.push(`${this.name}_sum${key === '' ? '' : `{${key}}`} ${series.sum}`);
      lines.push(`${this.name}_count${key === '' ? '' : `{${key}}`} ${series.count}`);
    }
    return lines.join('\n');
  }
}

/** The exposition text of a set of metrics, plus the process start time. */
export function renderMetrics(metrics: readonly Metric[], startedAtSeconds: number): string {
  const process = [
    '# HELP process_start_time_seconds Start time of the process since the Unix epoch.',
    '# TYPE process_start_time_seconds gauge',
    `process_start_time_seconds ${startedAtSeconds}`,
  ].join('\n');
  return `${metrics.map((m) => m.render()).join('\n')}\n${process}\n`;
}
