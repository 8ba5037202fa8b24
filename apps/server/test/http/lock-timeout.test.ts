import { PG_LOCK_TIMEOUT_MS } from '@dex/shared/db';
import { type PgCluster, startPgCluster } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, obtainTokens, type TestClient } from '../support/flows.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

describe('PostgreSQL: a request blocked by a lock another session holds fails in bounded time, never hangs', () => {
  let cluster: PgCluster;
  let stack: WorkerStack;
  let client: TestClient;
  let tokens: Record<string, string | number>;
  beforeAll(async () => {
    cluster = await startPgCluster();
    stack = await startWorkerStack('postgresql', {}, { pgUrl: cluster.url() });
    ({ client, tokens } = await obtainTokens(stack, { scope: 'openid offline_access' }));
  });
  afterAll(async () => {
    await stack?.stop();
    await cluster?.destroy();
  });

  const refresh = () =>
    fetch(`${stack.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client) },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) }),
      // Without a bound on the server side, this is where the test would end: a hung request.
      signal: AbortSignal.timeout(PG_LOCK_TIMEOUT_MS + 15_000),
    });

  it('a refresh grant behind an exclusive lock on the refresh tokens is 503 temporarily_unavailable after the lock timeout; it works once the lock goes', async () => {
    // An operator's session (or a stuck transaction) holds the table, and keeps holding it.
    const { driver } = stack.db;
    if (driver.provider !== 'postgresql') throw new Error('this test runs on PostgreSQL');
    const session = await driver.pool.connect();
    try {
      await session.query('BEGIN');
      await session.query('LOCK TABLE refresh_tokens IN ACCESS EXCLUSIVE MODE');
      const started = performance.now();
      const response = await refresh();
      const elapsed = performance.now() - started;
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await response.json()).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'the service is temporarily unavailable; try again shortly',
      });
      // Bounded by the lock timeout (plus the request's own work), not by the lock's holder.
      expect(elapsed).toBeGreaterThanOrEqual(PG_LOCK_TIMEOUT_MS - 500);
      expect(elapsed).toBeLessThan(PG_LOCK_TIMEOUT_MS + 5_000);
    } finally {
      await session.query('ROLLBACK');
      session.release();
    }
    // The token was not spent by the failed attempt: it refreshes now.
    const after = await refresh();
    expect(after.status).toBe(200);
  });
});
