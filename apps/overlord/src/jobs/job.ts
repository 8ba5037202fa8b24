import type { PrismaDb } from '@dex/shared/db';
import type { Logger } from '@dex/shared/logging';
import type { OverlordMetrics } from '../metrics.ts';

/** What every job gets. */
export interface JobContext {
  prisma: PrismaDb;
  logger: Logger;
  metrics: OverlordMetrics;
}

/**
 * A periodic job of the overlord. `run` must be idempotent and safe to re-run (another
 * overlord may have run it a moment ago); it may say when it next needs to run, otherwise it
 * runs again after `intervalMs`.
 */
export interface Job {
  readonly name: string;
  readonly intervalMs: number;
  run(ctx: JobContext): Promise<{ nextRunAt?: Date } | undefined>;
}
