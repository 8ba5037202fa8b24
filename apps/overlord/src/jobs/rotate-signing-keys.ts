import type { SigningAlg } from '@dex/shared/crypto';
import { rotateSigningKeys } from '@dex/shared/domain/keys';
import type { Job } from './job.ts';

/**
 * Keeps the signing key chain right (reference §3.3, with pre-publication and a retirement
 * window): creates the successor half a period ahead (at least one publish delay), deletes
 * keys past their window, and records the publish delay for the workers.
 * Runs when the chain next needs it, and at least every `checkEveryMs`.
 */
export function rotateSigningKeysJob(options: {
  secrets: readonly Uint8Array[];
  keyPeriodMs: number;
  /** `--key-publish-delay`. */
  publishDelayMs: number;
  alg: SigningAlg;
  checkEveryMs?: number;
}): Job {
  return {
    name: 'rotate-signing-keys',
    intervalMs: options.checkEveryMs ?? 60_000,
    async run(ctx) {
      const result = await rotateSigningKeys(ctx.prisma, {
        secrets: options.secrets,
        keyPeriodMs: options.keyPeriodMs,
        publishDelayMs: options.publishDelayMs,
        alg: options.alg,
      });
      if (result.created.length > 0 || result.deleted.length > 0) {
        ctx.logger.info(
          { created: result.created, deleted: result.deleted, nextRunAt: result.nextRunAt.toISOString() },
          'signing keys rotated',
        );
        ctx.metrics.keysCreated.inc(result.created.length);
        ctx.metrics.keysDeleted.inc(result.deleted.length);
      }
      return { nextRunAt: result.nextRunAt };
    },
  };
}
