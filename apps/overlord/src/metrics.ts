import { Counter, renderMetrics } from '@dex/shared/metrics';

/** A value that goes up and down (the gauge of the Prometheus text format). */
export class Gauge {
  #value = 0;
  readonly name: string;
  readonly help: string;
  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }
  set(value: number): void {
    this.#value = value;
  }
  render(): string {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`, `${this.name} ${this.#value}`].join('\n');
  }
}

/** The overlord's metrics, served at `/metrics` (behind the admin secret). */
export class OverlordMetrics {
  readonly leader = new Gauge('dex_overlord_leader', '1 while this overlord leads the periodic jobs, 0 on standby.');
  readonly jobRuns = new Counter('dex_overlord_job_runs_total', 'Runs of each periodic job by outcome.');
  readonly garbageCollected = new Counter('dex_gc_deleted_total', 'Rows deleted by garbage collection, by kind.');
  readonly keysCreated = new Counter('dex_signing_keys_created_total', 'Signing keys created by rotation.');
  readonly keysDeleted = new Counter('dex_signing_keys_deleted_total', 'Signing keys deleted after their publication window.');
  readonly #started = Date.now() / 1000;

  render(): string {
    return renderMetrics([this.leader, this.jobRuns, this.garbageCollected, this.keysCreated, this.keysDeleted], this.#started);
  }
}
