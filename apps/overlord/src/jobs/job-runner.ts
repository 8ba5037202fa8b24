import { randomUUID } from 'node:crypto';
import { acquireLease, releaseLease } from '@dex/shared/domain/leases';
import type { Job, JobContext } from './job.ts';

const LEASE = 'overlord-jobs';
const MAX_BACKOFF_MS = 60_000;

export interface JobRunnerOptions {
  context: JobContext;
  jobs: readonly Job[];
  /** How long leadership lasts without renewal; a standby takes over within about this long. */
  leaseTtlMs: number;
}

/**
 * Runs the periodic jobs on exactly one overlord at a time. Every overlord tries to take the
 * `overlord-jobs` lease every third of its lifetime; the holder runs the jobs, the others wait
 * as standbys, and when the holder dies its lease expires and a standby takes over. A job
 * that fails is retried with backoff (1 s doubling to 1 min, as dex v0's jobs did).
 */
export class JobRunner {
  readonly holder = randomUUID();
  readonly #options: JobRunnerOptions;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #failures = new Map<string, number>();
  #leaseTimer: NodeJS.Timeout | undefined;
  #leader = false;
  #running = new Set<Promise<void>>();
  #stopped = false;

  constructor(options: JobRunnerOptions) {
    this.#options = options;
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  /** Starts competing for the lease; resolves after the first attempt. */
  async start(): Promise<void> {
    await this.#tick();
  }

  async #tick(): Promise<void> {
    if (this.#stopped) return;
    const { context, leaseTtlMs } = this.#options;
    let holds = false;
    try {
      holds = await acquireLease(context.prisma, { name: LEASE, holder: this.holder, ttlMs: leaseTtlMs });
    } catch (error) {
      context.logger.error({ err: error }, 'could not renew the job lease');
    }
    if (holds && !this.#leader) {
      this.#leader = true;
      context.metrics.leader.set(1);
      context.logger.info({ holder: this.holder }, 'leading the periodic jobs');
      for (const job of this.#options.jobs) this.#schedule(job, 0);
    } else if (!holds && this.#leader) {
      this.#leader = false;
      context.metrics.leader.set(0);
      context.logger.warn({ holder: this.holder }, 'lost the job lease; standing by');
      this.#clearJobTimers();
    }
    if (!this.#stopped) {
      this.#leaseTimer = setTimeout(() => void this.#tick(), Math.max(250, Math.floor(leaseTtlMs / 3)));
    }
  }

  #schedule(job: Job, delayMs: number): void {
    if (!this.#leader || this.#stopped) return;
    clearTimeout(this.#timers.get(job.name));
    this.#timers.set(
      job.name,
      setTimeout(
        () => {
          const run = this.#run(job);
          this.#running.add(run);
          void run.finally(() => this.#running.delete(run));
        },
        Math.max(0, delayMs),
      ),
    );
  }

  async #run(job: Job): Promise<void> {
    const { context } = this.#options;
    const started = Date.now();
    context.logger.debug({ job: job.name }, 'job started');
    try {
      const result = await job.run(context);
      this.#failures.delete(job.name);
      context.metrics.jobRuns.inc({ job: job.name, outcome: 'ok' });
      context.logger.debug({ job: job.name, ms: Date.now() - started }, 'job finished');
      const next = result?.nextRunAt === undefined ? job.intervalMs : Math.min(job.intervalMs, result.nextRunAt.getTime() - Date.now());
      this.#schedule(job, next);
    } catch (error) {
      const failures = (this.#failures.get(job.name) ?? 0) + 1;
      this.#failures.set(job.name, failures);
      const backoff = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** (failures - 1));
      context.metrics.jobRuns.inc({ job: job.name, outcome: 'error' });
      context.logger.error({ job: job.name, err: error, retryInMs: backoff }, 'job failed');
      this.#schedule(job, backoff);
    }
  }

  #clearJobTimers(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  /** Stops the jobs, waits for running ones, and gives the lease up so a standby takes over at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#leaseTimer);
    this.#clearJobTimers();
    await Promise.allSettled([...this.#running]);
    if (this.#leader) {
      this.#leader = false;
      await releaseLease(this.#options.context.prisma, { name: LEASE, holder: this.holder }).catch(() => undefined);
    }
  }
}
