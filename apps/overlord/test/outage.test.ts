import { type PgCluster, startPgCluster } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminHarness, startAdminHarness } from './admin-harness.ts';

describe('a PostgreSQL outage: the admin API answers 503 {code, message} and recovers without a restart', () => {
  let cluster: PgCluster;
  let harness: AdminHarness;
  beforeAll(async () => {
    cluster = await startPgCluster();
    harness = await startAdminHarness('postgresql', { pgUrl: cluster.url() });
    await cluster.stop('fast');
  });
  afterAll(async () => {
    await cluster?.start().catch(() => undefined);
    await harness?.stop();
    await cluster?.destroy();
  });

  it.each([
    ['GET', '/api/v1/clients', undefined],
    ['GET', '/api/v1/state', undefined],
    ['POST', '/api/v1/clients', JSON.stringify({ redirectUris: ['http://127.0.0.1:5555/callback'] })],
    ['POST', '/api/v1/keys/rotate', JSON.stringify({ mode: 'publish-first' })],
  ])('%s %s is 503 DATABASE_UNREACHABLE with Retry-After, within seconds', async (method, path, body) => {
    const started = performance.now();
    const response = await harness.call(path, { method, ...(body === undefined ? {} : { body }) });
    expect(performance.now() - started).toBeLessThan(6_000);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toEqual({ code: 'DATABASE_UNREACHABLE', message: 'the database is unavailable; try again shortly' });
  });

  it('/health says 503 error', async () => {
    const response = await harness.call('/health', { secret: null });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { status: string }).status).toBe('error');
  });

  it('once PostgreSQL is back, the same overlord serves the admin API again', async () => {
    await cluster.start();
    let response = await harness.call('/api/v1/clients');
    for (let attempt = 0; attempt < 20 && response.status === 503; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      response = await harness.call('/api/v1/clients');
    }
    expect(response.status).toBe(200);
    expect((await harness.call('/health', { secret: null })).status).toBe(200);
  });
});
