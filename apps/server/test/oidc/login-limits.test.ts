import { testProviders, walkLogin } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

/**
 * Failed-login limits as an operator behind a load balancer sees them: the client address
 * comes from X-Forwarded-For only when the balancer is a trusted proxy, an account is locked
 * only at the address that failed, and every worker on the database enforces one count that a
 * restart does not forget.
 */
describe.each(testProviders(process.env))('failed-login limits (%s)', (provider) => {
  let stack: WorkerStack;
  let authUrl: (issuer?: string) => string;

  beforeAll(async () => {
    // The test's own requests come from 127.0.0.1: it plays the load balancer.
    stack = await startWorkerStack(provider, {
      trustedProxies: ['127.0.0.1', '10.0.0.0/8'],
      loginLimits: { perAccount: 3, perAddress: 5, windowMs: 60_000 },
    });
    const client = await stack.addClient();
    authUrl = (issuer = stack.issuer) =>
      `${issuer}/auth?${new URLSearchParams({ client_id: client.id, response_type: 'code', scope: 'openid', redirect_uri: client.redirectUri })}`;
  });
  afterAll(() => stack?.stop());

  const from = (address: string) => ({ 'x-forwarded-for': address });

  it('counts the forwarded client address, so one client failing does not lock out everyone behind the balancer', async () => {
    for (let i = 0; i < 5; i++) {
      const walk = await walkLogin(authUrl(), { login: `random-${i}-${Date.now()}@example.com`, password: 'guess' }, from('198.51.100.1'));
      expect(walk.status).toBe(401);
    }
    const user = await stack.addUser();
    // That address is locked out, even with the right password...
    const blocked = await walkLogin(authUrl(), { login: user.email, password: user.password }, from('198.51.100.1'));
    expect(blocked.status).toBe(429);
    expect(blocked.body).toContain('Too many failed logins');
    // ...while every other client behind the same balancer logs in.
    const other = await walkLogin(authUrl(), { login: user.email, password: user.password }, from('198.51.100.2'));
    expect(other.status).toBe(302);
    expect(new URL(other.location ?? '').searchParams.get('code')).toBeTruthy();
  });

  it('believes only the hops after the last untrusted one: a client cannot pick its own address', async () => {
    // 203.0.113.5 failed through an internal proxy (10.1.2.3) that the balancer appended.
    for (let i = 0; i < 5; i++) {
      const spoofed = `192.0.2.${i}, 203.0.113.5, 10.1.2.3`;
      const walk = await walkLogin(authUrl(), { login: `nobody-${i}@example.com`, password: 'guess' }, from(spoofed));
      expect(walk.status).toBe(401);
    }
    const user = await stack.addUser();
    const blocked = await walkLogin(authUrl(), { login: user.email, password: user.password }, from('192.0.2.77, 203.0.113.5'));
    expect(blocked.status).toBe(429);
  });

  it('locks an account only at the address that failed, not for its owner elsewhere', async () => {
    const user = await stack.addUser();
    for (let i = 0; i < 3; i++) {
      expect((await walkLogin(authUrl(), { login: user.email, password: `wrong-${i}` }, from('203.0.113.20'))).status).toBe(401);
    }
    expect((await walkLogin(authUrl(), { login: user.email, password: user.password }, from('203.0.113.20'))).status).toBe(429);
    expect((await walkLogin(authUrl(), { login: user.email, password: user.password }, from('203.0.113.21'))).status).toBe(302);
  });

  it('holds one count across workers and across a restart', async () => {
    const user = await stack.addUser();
    const second = await stack.startAnotherWorker();
    // Failures alternate between the two workers: together they reach the limit of 3.
    const issuers = [stack.issuer, second.issuer, stack.issuer];
    for (const issuer of issuers) {
      expect((await walkLogin(authUrl(issuer), { login: user.email, password: 'wrong' }, from('203.0.113.30'))).status).toBe(401);
    }
    expect((await walkLogin(authUrl(second.issuer), { login: user.email, password: user.password }, from('203.0.113.30'))).status).toBe(
      429,
    );
    // A worker started afterwards (a restart) knows it too.
    const restarted = await stack.startAnotherWorker();
    expect((await walkLogin(authUrl(restarted.issuer), { login: user.email, password: user.password }, from('203.0.113.30'))).status).toBe(
      429,
    );
  });
});

describe('failed-login limits without trusted proxies (sqlite)', () => {
  let stack: WorkerStack;

  beforeAll(async () => {
    stack = await startWorkerStack('sqlite', { loginLimits: { perAccount: 2, perAddress: 100, windowMs: 60_000 } });
  });
  afterAll(() => stack?.stop());

  it('ignores X-Forwarded-For: a new header every time does not escape the limit', async () => {
    const client = await stack.addClient();
    const url = `${stack.issuer}/auth?${new URLSearchParams({ client_id: client.id, response_type: 'code', scope: 'openid' })}`;
    const user = await stack.addUser();
    for (let i = 0; i < 2; i++) {
      const walk = await walkLogin(url, { login: user.email, password: 'wrong' }, { 'x-forwarded-for': `198.51.100.${i}` });
      expect(walk.status).toBe(401);
    }
    const blocked = await walkLogin(url, { login: user.email, password: user.password }, { 'x-forwarded-for': '198.51.100.99' });
    expect(blocked.status).toBe(429);
  });
});
