import { connect } from 'node:net';
import { createTestDatabase, freePort, startDexProcess, type TestDatabase, testSecrets } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('SIGTERM drains the overlord within --shutdown-timeout', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite', { migrate: false });
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('cuts an admin API request that has not finished by the deadline, then exits 0', async () => {
    const secrets = testSecrets();
    const port = await freePort();
    const overlord = await startDexProcess(
      'overlord',
      [
        ...['--db-url', database.url, '--key-secrets', secrets.keySecretText, '--admin-api-secret', secrets.adminApiSecret],
        ...['--admin-listen', `http://127.0.0.1:${port}`, '--shutdown-timeout', '1s', '--disable-console'],
      ],
      'admin API listening',
    );
    try {
      const stuck = connect(port, '127.0.0.1');
      stuck.on('error', () => undefined);
      const closed = new Promise<void>((resolve) => stuck.on('close', () => resolve()));
      await new Promise<void>((resolve) => stuck.once('connect', () => resolve()));
      stuck.write(
        `POST /api/v1/clients HTTP/1.1\r\nHost: a\r\nAuthorization: ${secrets.adminApiSecret}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      const signalled = performance.now();
      process.kill(overlord.pid, 'SIGTERM');
      expect(await overlord.waitForExit()).toBe(0);
      const took = performance.now() - signalled;
      expect(took).toBeGreaterThan(900);
      expect(took).toBeLessThan(4_000);
      await closed;
      expect(overlord.output()).toContain('"msg":"stopped"');
    } finally {
      await overlord.stop();
    }
  });
});
