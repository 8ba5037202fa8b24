import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walkLogin } from '@dex/shared/testing';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

describe.each(testProviders(process.env))('local connector password login (%s)', (provider) => {
  let stack: WorkerStack;
  let client: { id: string; secret: string; redirectUri: string };
  beforeAll(async () => {
    stack = await startWorkerStack(provider);
    client = await stack.addClient();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const authUrl = () =>
    `${stack.issuer}/auth?${new URLSearchParams({ client_id: client.id, redirect_uri: client.redirectUri, response_type: 'code', scope: 'openid', state: 's' })}`;

  it('gives the same generic message for a wrong password and an unknown email', async () => {
    const user = await stack.addUser();
    const wrongPassword = await walkLogin(authUrl(), { login: user.email, password: 'not-the-password' });
    const unknownEmail = await walkLogin(authUrl(), { login: 'nobody@example.com', password: 'whatever1' });
    for (const walk of [wrongPassword, unknownEmail]) {
      expect(walk.status).toBe(401);
      expect(walk.location).toBeNull();
      expect(walk.body).toContain('Invalid email address or password.');
    }
  });

  it('accepts the email case-insensitively', async () => {
    const user = await stack.addUser({ email: `Mixed.Case-${Date.now()}@Example.com` });
    const walk = await walkLogin(authUrl(), { login: user.email.toUpperCase(), password: user.password });
    expect(walk.status).toBe(302);
    expect(new URL(walk.location ?? '').searchParams.get('code')).toBeTruthy();
  });

  it('refuses a disabled user even with the right password', async () => {
    const user = await stack.addUser({ disabled: true });
    const walk = await walkLogin(authUrl(), { login: user.email, password: user.password });
    expect(walk.status).toBe(401);
    expect(walk.body).toContain('This account is disabled.');
  });

  it('refuses a form post without the CSRF cookie and token', async () => {
    const user = await stack.addUser();
    const first = await fetch(authUrl(), { redirect: 'manual' });
    const loginUrl = new URL(first.headers.get('location') ?? '', stack.issuer);
    const response = await fetch(new URL(loginUrl.pathname, loginUrl), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ session: loginUrl.searchParams.get('session') ?? '', login: user.email, password: user.password }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('location')).toBeNull();
  });

  it('rate limits repeated failures for one account', async () => {
    const user = await stack.addUser();
    for (let i = 0; i < 10; i++) {
      const walk = await walkLogin(authUrl(), { login: user.email, password: `wrong-${i}` });
      expect(walk.status).toBe(401);
    }
    const blocked = await walkLogin(authUrl(), { login: user.email, password: user.password });
    expect(blocked.status).toBe(429);
    expect(blocked.body).toContain('Too many failed logins');
  });

  it('rate limits repeated failures from one client address across accounts', async () => {
    const limited = await startWorkerStack(provider, { loginLimits: { perAccount: 100, perAddress: 3, windowMs: 60_000 } });
    try {
      const limitedClient = await limited.addClient();
      const url = `${limited.issuer}/auth?${new URLSearchParams({ client_id: limitedClient.id, response_type: 'code', scope: 'openid' })}`;
      for (let i = 0; i < 3; i++) {
        expect((await walkLogin(url, { login: `nobody${i}@example.com`, password: 'wrong-password' })).status).toBe(401);
      }
      const user = await limited.addUser();
      const blocked = await walkLogin(url, { login: user.email, password: user.password });
      expect(blocked.status).toBe(429);
    } finally {
      await limited.stop();
    }
  });

  it('does not accept a login for a session that was already used', async () => {
    const user = await stack.addUser();
    const first = await fetch(authUrl(), { redirect: 'manual' });
    const loginUrl = new URL(first.headers.get('location') ?? '', stack.issuer);
    const page = await fetch(loginUrl);
    const html = await page.text();
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const csrf = /name="csrf_token" value="([^"]*)"/.exec(html)?.[1] ?? '';
    const post = () =>
      fetch(new URL(loginUrl.pathname, loginUrl), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({
          session: loginUrl.searchParams.get('session') ?? '',
          csrf_token: csrf,
          login: user.email,
          password: user.password,
        }),
      });
    expect((await post()).status).toBe(302);
    const again = await post();
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('no longer valid');
  });
});
