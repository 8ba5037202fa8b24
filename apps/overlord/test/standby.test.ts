import { createTestDatabase, freePort, type Service, startDexProcess, testProviders, testSecrets } from '@dex/shared/testing';
import { describe, expect, it } from 'vitest';

const LEADING = '"msg":"leading the periodic jobs"';

/** Polls until `probe` is true (at most `ms`), for what other processes do. */
async function until(probe: () => boolean, ms: number): Promise<void> {
  const started = Date.now();
  while (!probe()) {
    if (Date.now() - started > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// Mostly waiting on leases and timers: the two stores run side by side.
describe.concurrent.each(testProviders(process.env))('overlord standby (%s)', (provider) => {
  it('runs the jobs on exactly one overlord and a standby takes over when the leader dies', async () => {
    const database = await createTestDatabase(provider, { pgUrl: process.env.DEX_TEST_PG_URL, migrate: false });
    const secrets = testSecrets();
    const started: Service[] = [];
    const start = async () => {
      const overlord = await startDexProcess(
        'overlord',
        [
          '--db-url',
          database.url,
          '--key-secrets',
          secrets.keySecretText,
          '--admin-api-secret',
          secrets.adminApiSecret,
          '--admin-listen',
          `http://127.0.0.1:${await freePort()}`,
          '--leader-lease-ttl',
          '2s',
        ],
        'admin API listening',
      );
      started.push(overlord);
      return overlord;
    };
    try {
      const first = await start();
      await until(() => first.output().includes(LEADING), 5_000);
      const second = await start();
      // The standby serves the admin API but does not lead while the leader renews its lease.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(second.output()).not.toContain(LEADING);

      process.kill(-first.pid, 'SIGKILL');
      // Bounded: the lease lifetime (2 s) plus one renewal attempt, with slack for a loaded machine.
      await until(() => second.output().includes(LEADING), 10_000);
    } finally {
      for (const overlord of started) await overlord.stop();
      await database.drop();
    }
  });
});
