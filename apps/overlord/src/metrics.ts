import { Counter, createMetricsRegistry, Gauge } from '@dex/shared/metrics';

/** The overlord's metrics, served at `/metrics` (behind the admin secret). */
export class OverlordMetrics {
  readonly registry = createMetricsRegistry();
  readonly leader = new Gauge({
    name: 'dex_overlord_leader',
    help: '1 while this overlord leads the periodic jobs, 0 on standby.',
    registers: [this.registry],
  });
  readonly jobRuns = new Counter({
    name: 'dex_overlord_job_runs_total',
    help: 'Runs of each periodic job by outcome.',
    labelNames: ['job', 'outcome'],
    registers: [this.registry],
  });
  readonly garbageCollected = new Counter({
    name: 'dex_gc_deleted_total',
    help: 'Rows deleted by garbage collection, by kind.',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly keysCreated = new Counter({
    name: 'dex_signing_keys_created_total',
    help: 'Signing keys created by rotation.',
    registers: [this.registry],
  });
  readonly keysDeleted = new Counter({
    name: 'dex_signing_keys_deleted_total',
    help: 'Signing keys deleted after their publication window.',
    registers: [this.registry],
  });

  /** The text exposition of every metric, the default process and Node.js ones included. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
