import { testProviders, walkLogin } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';
import { readConnectorLogins } from './login-metrics.ts';

describe.each(testProviders(process.env))('login metrics of the local connector (%s)', (provider) => {
  let stack: WorkerStack;
  let client: { id: string; secret: string; redirectUri: string };
  beforeAll(async () => {
    stack = await startWorkerStack(provider, { loginLimits: { perAccount: 2, perAddress: 100, windowMs: 15 * 60_000 } });
    client = await stack.addClient();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const authUrl = () =>
    `${stack.issuer}/auth?${new URLSearchParams({ client_id: client.id, redirect_uri: client.redirectUri, response_type: 'code', scope: 'openid', state: 's' })}`;

  it('counts each submitted form once in dex_connector_logins_total, with the reason of a failure', async () => {
    const metrics = await readConnectorLogins(stack.issuer);
    const user = await stack.addUser();
    const disabled = await stack.addUser({ disabled: true });
    const locked = await stack.addUser();

    expect((await walkLogin(authUrl(), { login: user.email, password: user.password })).status).toBe(302);
    expect((await walkLogin(authUrl(), { login: user.email, password: 'not-the-password' })).status).toBe(401);
    expect((await walkLogin(authUrl(), { login: disabled.email, password: disabled.password })).status).toBe(401);
    for (let i = 0; i < 2; i++) expect((await walkLogin(authUrl(), { login: locked.email, password: `wrong-${i}` })).status).toBe(401);
    expect((await walkLogin(authUrl(), { login: locked.email, password: locked.password })).status).toBe(429);
    // An empty field is not an attempt.
    expect((await walkLogin(authUrl(), { login: user.email, password: '' })).status).toBe(400);

    expect((await readConnectorLogins(stack.issuer)).since(metrics)).toEqual({
      'local:local:success': 1,
      'local:local:failure:invalid_credentials': 3,
      'local:local:failure:disabled': 1,
      'local:local:failure:rate_limited': 1,
    });
  });

  it('counts a form posted without its CSRF token, or for a session that is gone, as session_expired', async () => {
    const metrics = await readConnectorLogins(stack.issuer);
    const user = await stack.addUser();
    const first = await fetch(authUrl(), { redirect: 'manual' });
    const loginUrl = new URL(first.headers.get('location') ?? '', stack.issuer);
    const post = (session: string) =>
      fetch(new URL(loginUrl.pathname, loginUrl), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ session, login: user.email, password: user.password }),
      });
    expect((await post(loginUrl.searchParams.get('session') ?? '')).status).toBe(403);
    expect((await post('no-such-session')).status).toBe(400);
    expect((await readConnectorLogins(stack.issuer)).since(metrics)).toEqual({ 'local:local:failure:session_expired': 2 });
  });

  it('exposes the counter with connector, type, outcome and a bounded reason label', async () => {
    const text = await (await fetch(`${stack.issuer}/metrics`)).text();
    expect(text).toContain('# TYPE dex_connector_logins_total counter');
    expect(text).toMatch(/^dex_connector_logins_total\{connector="local",outcome="success",type="local"\} \d+$/m);
    expect(text).toMatch(
      /^dex_connector_logins_total\{connector="local",outcome="failure",reason="invalid_credentials",type="local"\} \d+$/m,
    );
  });
});
