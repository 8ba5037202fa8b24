import { createRemoteJWKSet, jwtVerify } from 'jose';
import { OOB_REDIRECT_URI } from '@dex/shared/domain/clients';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../support/browser.ts';
import { authorizeUrl, pkcePair, type TestClient, tokenRequest } from '../support/flows.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

describe.each(testProviders(process.env))('single sign-on, prompt and max_age OIDC Core §3.1.2.1 (%s)', (provider) => {
  let stack: WorkerStack;
  beforeAll(async () => {
    stack = await startWorkerStack(provider);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  function authUrl(client: TestClient, extra: Record<string, string> = {}): URL {
    const { challenge } = pkcePair();
    return authorizeUrl(stack, client, { state: 'st', code_challenge: challenge, code_challenge_method: 'S256', ...extra });
  }

  /** Logs a new user in through the form in `browser`; returns the user and the callback. */
  async function loginWith(browser: TestBrowser, client: TestClient) {
    const user = await stack.addUser();
    const page = await browser.follow(authUrl(client));
    expect(page.response.status).toBe(200);
    const done = await browser.submitLogin(
      { url: page.url, html: await page.response.text() },
      { login: user.email, password: user.password },
    );
    expect(done.location?.searchParams.get('code')).toBeTruthy();
    return { user, callback: done.location };
  }

  async function idTokenFor(client: TestClient, callback: URL | null, verifier: string) {
    const response = await tokenRequest(stack, client, {
      grant_type: 'authorization_code',
      code: callback?.searchParams.get('code') ?? '',
      code_verifier: verifier,
      redirect_uri: client.redirectUri,
    });
    const body = (await response.json()) as Record<string, string>;
    return (await jwtVerify(body.id_token ?? '', createRemoteJWKSet(new URL(`${stack.issuer}/keys`)))).payload;
  }

  it('sets a secure, HttpOnly, SameSite session cookie scoped to the issuer path', async () => {
    const browser = new TestBrowser(stack.issuer);
    const client = await stack.addClient();
    const user = await stack.addUser();
    const page = await browser.follow(authUrl(client));
    const form = await page.response.text();
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(form)?.[1] ?? '';
    const response = await browser.request(new URL(page.url.pathname, page.url), {
      form: { session: field('session'), csrf_token: field('csrf_token'), login: user.email, password: user.password },
    });
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('dex_session='));
    expect(cookie).toMatch(/; Path=\/dex/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Max-Age=3600/);
  });

  it('completes a later request from another client without asking, with a truthful auth_time', async () => {
    const browser = new TestBrowser(stack.issuer);
    const first = await stack.addClient();
    const { user } = await loginWith(browser, first);
    const second = await stack.addClient({ redirectUris: ['http://127.0.0.1:5555/other-app'] });
    const { verifier, challenge } = pkcePair();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const again = await browser.follow(authUrl(second, { code_challenge: challenge }));
    expect(again.response.status).toBe(302);
    expect(again.location?.origin + (again.location?.pathname ?? '')).toBe(second.redirectUri);
    const claims = await idTokenFor(second, again.location, verifier);
    expect(claims.sub).toBe(user.id);
    expect(typeof claims.auth_time).toBe('number');
    expect((claims.iat ?? 0) - (claims.auth_time as number)).toBeGreaterThanOrEqual(1);
  });

  it('prompt=none answers login_required without a session and a code with one', async () => {
    const client = await stack.addClient();
    const browser = new TestBrowser(stack.issuer);
    const anonymous = await browser.follow(authUrl(client, { prompt: 'none' }));
    expect(anonymous.location?.searchParams.get('error')).toBe('login_required');
    expect(anonymous.location?.searchParams.get('state')).toBe('st');
    await loginWith(browser, client);
    const silent = await browser.follow(authUrl(client, { prompt: 'none' }));
    expect(silent.location?.searchParams.get('code')).toBeTruthy();
  });

  it('prompt=login and max_age=0 force a fresh login; prompt=none with max_age=0 is login_required', async () => {
    const client = await stack.addClient();
    const browser = new TestBrowser(stack.issuer);
    await loginWith(browser, client);
    for (const extra of [{ prompt: 'login' }, { max_age: '0' }] as Record<string, string>[]) {
      const forced = await browser.follow(authUrl(client, extra));
      expect(forced.response.status).toBe(200);
      expect(forced.url.pathname).toBe('/dex/auth/local/login');
    }
    const refused = await browser.follow(authUrl(client, { prompt: 'none', max_age: '0' }));
    expect(refused.location?.searchParams.get('error')).toBe('login_required');
    const combined = await browser.follow(authUrl(client, { prompt: 'none login' }));
    expect(combined.location?.searchParams.get('error')).toBe('invalid_request');
  });

  it('pre-fills the email from login_hint', async () => {
    const client = await stack.addClient();
    const page = await new TestBrowser(stack.issuer).follow(authUrl(client, { login_hint: 'hint@example.com' }));
    expect(await page.response.text()).toContain('value="hint@example.com"');
  });

  it('logout with a valid id_token_hint ends the session and redirects to the registered URI with state', async () => {
    const client = await stack.addClient({ redirectUris: ['http://127.0.0.1:5555/callback', 'http://127.0.0.1:5555/bye'] });
    const browser = new TestBrowser(stack.issuer);
    const { challenge, verifier } = pkcePair();
    const user = await stack.addUser();
    const page = await browser.follow(authUrl(client, { code_challenge: challenge }));
    const done = await browser.submitLogin(
      { url: page.url, html: await page.response.text() },
      { login: user.email, password: user.password },
    );
    const response = await tokenRequest(stack, client, {
      grant_type: 'authorization_code',
      code: done.location?.searchParams.get('code') ?? '',
      code_verifier: verifier,
      redirect_uri: client.redirectUri,
    });
    const idToken = ((await response.json()) as Record<string, string>).id_token ?? '';

    const bad = await browser.request(
      `${stack.issuer}/logout?${new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: 'https://evil.example/' })}`,
    );
    expect(bad.status).toBe(400);
    expect(bad.headers.get('location')).toBeNull();

    const out = await browser.request(
      `${stack.issuer}/logout?${new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: 'http://127.0.0.1:5555/bye', state: 'bye-state' })}`,
    );
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toBe('http://127.0.0.1:5555/bye?state=bye-state');
    expect(browser.cookies.has('dex_session')).toBe(false);
    const after = await browser.follow(authUrl(client, { prompt: 'none' }));
    expect(after.location?.searchParams.get('error')).toBe('login_required');
  });

  it('logout without a hint asks for confirmation, protected by CSRF', async () => {
    const client = await stack.addClient();
    const browser = new TestBrowser(stack.issuer);
    await loginWith(browser, client);
    const confirm = await browser.request(`${stack.issuer}/logout`);
    expect(confirm.status).toBe(200);
    const html = await confirm.text();
    expect(html).toContain('Log out of dex?');
    expect((await browser.follow(authUrl(client, { prompt: 'none' }))).location?.searchParams.get('code')).toBeTruthy();
    const forged = await browser.request(`${stack.issuer}/logout`, { form: { confirm: 'yes' } });
    expect(forged.status).toBe(200);
    expect((await browser.follow(authUrl(client, { prompt: 'none' }))).location?.searchParams.get('code')).toBeTruthy();
    const csrf = /name="csrf_token" value="([^"]*)"/.exec(html)?.[1] ?? '';
    const done = await browser.request(`${stack.issuer}/logout`, { form: { confirm: 'yes', csrf_token: csrf } });
    expect(await done.text()).toContain('You have been logged out');
    expect((await browser.follow(authUrl(client, { prompt: 'none' }))).location?.searchParams.get('error')).toBe('login_required');
  });

  it('shows the code on the out-of-band page to a public client, which redeems it with PKCE and no secret', async () => {
    const client = await stack.addClient({ public: true, name: 'Native CLI', redirectUris: [] });
    const user = await stack.addUser();
    const browser = new TestBrowser(stack.issuer);
    const { verifier, challenge } = pkcePair();
    const page = await browser.follow(authUrl({ ...client, redirectUri: OOB_REDIRECT_URI }, { code_challenge: challenge }));
    const done = await browser.submitLogin(
      { url: page.url, html: await page.response.text() },
      { login: user.email, password: user.password },
    );
    expect(done.response.status).toBe(200);
    const code = /id="oob-code" aria-label="Code" readonly value="([^"]+)"/.exec(await done.response.text())?.[1] ?? '';
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const response = await tokenRequest(stack, null, {
      grant_type: 'authorization_code',
      client_id: client.id,
      code,
      code_verifier: verifier,
      redirect_uri: OOB_REDIRECT_URI,
    });
    expect(response.status).toBe(200);
  });

  it('lets a public client use any loopback port, but only with PKCE', async () => {
    const client = await stack.addClient({ public: true, name: 'Desktop app', redirectUris: [] });
    const loopback = { ...client, redirectUri: 'http://127.0.0.1:49152/callback' };
    const withPkce = await new TestBrowser(stack.issuer).follow(authUrl(loopback));
    expect(withPkce.url.pathname).toBe('/dex/auth/local/login');
    const url = authUrl(loopback);
    url.searchParams.delete('code_challenge');
    url.searchParams.delete('code_challenge_method');
    const without = await new TestBrowser(stack.issuer).follow(url);
    expect(without.location?.searchParams.get('error_description')).toBe('public clients must use PKCE (code_challenge with S256)');
  });
});

describe('single sign-on turned off', () => {
  let stack: WorkerStack;
  beforeAll(async () => {
    stack = await startWorkerStack('sqlite', { ssoSessionTtlMs: null });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('sets no session cookie and asks again', async () => {
    const client = await stack.addClient();
    const user = await stack.addUser();
    const browser = new TestBrowser(stack.issuer);
    const url = `${stack.issuer}/auth?${new URLSearchParams({ client_id: client.id, response_type: 'code', scope: 'openid' })}`;
    const page = await browser.follow(url);
    await browser.submitLogin({ url: page.url, html: await page.response.text() }, { login: user.email, password: user.password });
    expect(browser.cookies.has('dex_session')).toBe(false);
    expect((await browser.follow(`${url}&prompt=none`)).location?.searchParams.get('error')).toBe('login_required');
  });
});
