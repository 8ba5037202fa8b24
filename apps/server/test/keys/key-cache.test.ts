import { setTimeout as delay } from 'node:timers/promises';
import type { PrismaDb } from '@dex/shared/db';
import { ensureActiveSigningKey, recordKeyPublishDelay, rotateSigningKeysOnDemand } from '@dex/shared/domain/keys';
import { createLogger } from '@dex/shared/logging';
import { testProviders, testSecrets } from '@dex/shared/testing';
import { useMigratedDatabase } from '@dex/shared/testing/migrated-database';
import { describe, expect, it } from 'vitest';
import { KeyCache } from '../../src/oidc/key-cache.ts';

const CHECK_MS = 50;
const PERIOD = 24 * 3_600_000;

describe.each(testProviders(process.env))('worker key cache (%s)', (provider) => {
  const db = useMigratedDatabase(provider);
  const secrets = [testSecrets().keySecret];
  const logger = createLogger({ name: 'dex-worker', silent: true });

  /** The database's client, with the change marker's reads failing while `failing.marker` is set. */
  function flakyPrisma(failing: { marker: boolean }): PrismaDb {
    return new Proxy(db.prisma, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (property !== 'signingKeyChain') return value;
        return {
          findUnique: (...args: unknown[]) =>
            failing.marker
              ? Promise.reject(new Error('database unreachable'))
              : (value as { findUnique: (...a: unknown[]) => Promise<unknown> }).findUnique(...args),
        };
      },
    });
  }

  it('re-reads the keys only when the change marker moved, and sees a change within the check interval', async () => {
    await db.prisma.signingKey.deleteMany({});
    await ensureActiveSigningKey(db.prisma, { secrets });
    const cache = new KeyCache({ prisma: db.prisma, secrets, logger, checkEveryMs: CHECK_MS });
    const first = await cache.get();
    expect(first.active).not.toBeNull();
    expect(await cache.get()).toBe(first);
    await delay(CHECK_MS * 2);
    // Checked again, nothing moved: the same set, not re-read.
    expect(await cache.get()).toBe(first);

    const rotation = await rotateSigningKeysOnDemand(db.prisma, { secrets, keyPeriodMs: PERIOD, mode: 'immediate' });
    await delay(CHECK_MS * 2);
    const after = await cache.get();
    expect(after.active?.kid).toBe(rotation.kid);
    expect(after.published.map((key) => key.kid)).toEqual([rotation.kid]);
  });

  it('serves the loaded keys while the marker cannot be read, and recovers', async () => {
    await db.prisma.signingKey.deleteMany({});
    await ensureActiveSigningKey(db.prisma, { secrets });
    const failing = { marker: false };
    const cache = new KeyCache({ prisma: flakyPrisma(failing), secrets, logger, checkEveryMs: CHECK_MS });
    const first = await cache.get();
    failing.marker = true;
    await delay(CHECK_MS * 2);
    expect(await cache.get()).toBe(first);
    // An explicit reload (an unknown kid) does not pretend: it fails.
    await expect(cache.reload()).rejects.toThrow('database unreachable');
    const rotation = await rotateSigningKeysOnDemand(db.prisma, { secrets, keyPeriodMs: PERIOD, mode: 'immediate' });
    failing.marker = false;
    await delay(CHECK_MS * 2);
    expect((await cache.get()).active?.kid).toBe(rotation.kid);
  });

  it('lets relying parties cache the JWKS for what the publish delay leaves after the workers', async () => {
    await db.prisma.signingKey.deleteMany({});
    await db.prisma.signingKeyChain.deleteMany({});
    const cache = new KeyCache({ prisma: db.prisma, secrets, logger, checkEveryMs: CHECK_MS });
    // No key yet: nothing to cache (the first key signs as soon as it exists).
    expect((await cache.get()).active).toBeNull();
    expect(cache.cacheSeconds()).toBe(0);
    await ensureActiveSigningKey(db.prisma, { secrets });
    await delay(CHECK_MS * 2);
    expect((await cache.get()).active).not.toBeNull();
    // No publish delay recorded by an overlord yet.
    expect(cache.cacheSeconds()).toBe(0);
    await recordKeyPublishDelay(db.prisma, 5 * 60_000);
    await delay(CHECK_MS * 2);
    await cache.get();
    expect(cache.cacheSeconds()).toBe(295);
  });
});
