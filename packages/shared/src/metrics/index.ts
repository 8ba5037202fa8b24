import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics for the worker and the overlord, on prom-client: each process keeps its
 * own registry holding its metrics and prom-client's default process and Node.js metrics
 * (CPU, resident memory, heap, event-loop lag, garbage collection, `process_start_time_seconds`).
 */
export { Counter, Gauge, Histogram, Registry };

/** The Content-Type of the text exposition format (0.0.4). */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * A registry with the default process and runtime metrics. Every metric a process defines is
 * created with `registers: [registry]`, so two processes' worth of metrics (a test running a
 * worker and an overlord in one Node.js process) never mix.
 * @example const registry = createMetricsRegistry(); new Counter({ name, help, registers: [registry] });
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
