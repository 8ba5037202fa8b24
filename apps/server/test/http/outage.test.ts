import { type PgCluster, startPgCluster } from '@dex/shared/testing';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, obtainTokens, type TestClient, tokenRequest } from '../support/flows.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

/** An RFC 6749 §5.2 answer of an outage: 503 `temporarily_unavailable`, `Retry-After`, uncached JSON. */
async function expectUnavailable(response: Response): Promise<void> {
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('5');
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(await response.json()).toEqual({
    error: 'temporarily_unavailable',
    error_description: 'the service is temporarily unavailable; try again shortly',
  });
}

const form = (client: TestClient, params: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client) },
  body: new URLSearchParams(params),
});

/** Runs `request` and fails the test if it has not answered within `ms` (an outage must never hang a request). */
async function within<T>(ms: number, request: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await request();
  expect(performance.now() - started).toBeLessThan(ms);
  return result;
}

describe('a PostgreSQL outage: the worker answers 503 and recovers without a restart', () => {
  let cluster: PgCluster;
  let stack: WorkerStack;
  let client: TestClient;
  let tokens: Record<string, string | number>;
  beforeAll(async () => {
    cluster = await startPgCluster();
    stack = await startWorkerStack('postgresql', {}, { pgUrl: cluster.url() });
    ({ client, tokens } = await obtainTokens(stack, { scope: 'openid email offline_access' }));
    await cluster.stop('fast');
  });
  afterAll(async () => {
    await cluster?.start().catch(() => undefined);
    await stack?.stop();
    await cluster?.destroy();
  });

  it('/token: a refresh grant and a client-credentials grant are 503 temporarily_unavailable with Retry-After', async () => {
    await expectUnavailable(
      await within(6_000, () => tokenRequest(stack, client, { grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) })),
    );
    await expectUnavailable(await within(6_000, () => tokenRequest(stack, client, { grant_type: 'client_credentials' })));
  });

  it('userinfo, introspection and revocation are 503 temporarily_unavailable with Retry-After', async () => {
    const bearer = { headers: { authorization: `Bearer ${String(tokens.access_token)}` } };
    await expectUnavailable(await within(6_000, () => fetch(`${stack.issuer}/userinfo`, bearer)));
    await expectUnavailable(
      await within(6_000, () => fetch(`${stack.issuer}/token/introspect`, form(client, { token: String(tokens.access_token) }))),
    );
    await expectUnavailable(
      await within(6_000, () => fetch(`${stack.issuer}/token/revoke`, form(client, { token: String(tokens.refresh_token) }))),
    );
  });

  it('the login pages show a readable 503 page with Retry-After', async () => {
    const auth = new URL(`${stack.issuer}/auth`);
    auth.search = new URLSearchParams({
      client_id: client.id,
      redirect_uri: client.redirectUri,
      response_type: 'code',
      scope: 'openid',
    }).toString();
    const response = await within(6_000, () => fetch(auth, { redirect: 'manual' }));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await response.text();
    expect(page).toContain('Service unavailable');
    expect(page).toContain('the service is temporarily unavailable; try again shortly');
    expect(page).not.toMatch(/ECONNREFUSED|at .*\.ts:\d+/);
  });

  it('/health says 503; discovery and the JWKS keep answering from memory', async () => {
    const health = await within(6_000, () => fetch(`${stack.issuer}/health`));
    expect(health.status).toBe(503);
    expect(((await health.json()) as { status: string }).status).toBe('error');
    expect((await fetch(`${stack.issuer}/.well-known/openid-configuration`)).status).toBe(200);
    const jwks = await fetch(`${stack.issuer}/keys`);
    expect(jwks.status).toBe(200);
    expect(((await jwks.json()) as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
  });

  it('once PostgreSQL is back, the same refresh token works (nothing was spent during the outage)', async () => {
    await cluster.start();
    let response = await tokenRequest(stack, client, { grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) });
    // The pool drops its dead connections on first use: allow it a few attempts, no restart.
    for (let attempt = 0; attempt < 20 && response.status === 503; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      response = await tokenRequest(stack, client, { grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) });
    }
    expect(response.status).toBe(200);
    const refreshed = (await response.json()) as { refresh_token: string; access_token: string };
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    const userinfo = await fetch(`${stack.issuer}/userinfo`, { headers: { authorization: `Bearer ${refreshed.access_token}` } });
    expect(userinfo.status).toBe(200);
    expect((await fetch(`${stack.issuer}/health`)).status).toBe(200);
  });
});

describe('a SQLite file locked by another process: the worker waits its bound, then answers 503', () => {
  let stack: WorkerStack;
  let client: TestClient;
  let tokens: Record<string, string | number>;
  beforeAll(async () => {
    stack = await startWorkerStack('sqlite');
    ({ client, tokens } = await obtainTokens(stack, { scope: 'openid offline_access' }));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('a refresh grant during a held write lock is 503 temporarily_unavailable after about 10 s, and works once it is released', async () => {
    if (stack.db.driver.provider !== 'sqlite') throw new Error('expected SQLite');
    const locker = new Database(stack.db.driver.filename);
    locker.exec('BEGIN EXCLUSIVE');
    try {
      const started = performance.now();
      const response = await tokenRequest(stack, client, { grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) });
      const seconds = (performance.now() - started) / 1000;
      await expectUnavailable(response);
      expect(seconds).toBeGreaterThan(9);
      expect(seconds).toBeLessThan(15);
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
    }
    const response = await tokenRequest(stack, client, { grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) });
    expect(response.status).toBe(200);
  }, 30_000);
});
