import { collectGarbage } from '@dex/shared/domain/gc';
import type { Job } from './job.ts';

/** Deletes expired codes, sessions, tokens and revocations, and login events past `--login-events-retention`, every `--gc-interval`, in batches; logs the counts. */
export function collectGarbageJob(options: { intervalMs: number; batchSize?: number; loginEventsRetentionMs?: number }): Job {
  return {
    name: 'collect-garbage',
    intervalMs: options.intervalMs,
    async run(ctx) {
      const counts = await collectGarbage(ctx.prisma, {
        ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
        ...(options.loginEventsRetentionMs === undefined ? {} : { loginEventsRetentionMs: options.loginEventsRetentionMs }),
      });
      for (const [kind, deleted] of Object.entries(counts)) ctx.metrics.garbageCollected.inc({ kind }, deleted);
      ctx.logger.info(counts, 'garbage collected');
      return undefined;
    },
  };
}
