import { createClient, deleteClient, updateClient } from '@dex/shared/domain/clients';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../support/browser.ts';
import { authorizeUrl, pkcePair, type TestClient, tokenRequest } from '../support/flows.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

const RP = 'http://127.0.0.1:5555';

describe.each(testProviders(process.env))('consent: the approval screen (%s)', (provider) => {
  let stack: WorkerStack;

  beforeAll(async () => {
    stack = await startWorkerStack(provider, { enableClientRegistration: true });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const authUrl = (client: TestClient, params: Record<string, string> = {}) =>
    authorizeUrl(stack, client, { state: 'consent-state', ...params });

  /** A browser with a user logged in (single sign-on) through a trusted client, no screen seen. */
  async function loggedInBrowser() {
    const user = await stack.addUser();
    const browser = new TestBrowser(stack.issuer);
    const form = await browser.follow(authUrl(await stack.addClient({ trusted: true })));
    const done = await browser.submitLogin(
      { url: form.url, html: await form.response.text() },
      { login: user.email, password: user.password },
    );
    expect(done.location?.origin, 'a trusted client gets its code with no screen').toBe(RP);
    return { user, browser };
  }

  /** Follows an authorization request in the browser: the approval screen, or the answer at the client. */
  async function authorize(browser: TestBrowser, client: TestClient, params: Record<string, string> = {}) {
    const result = await browser.follow(authUrl(client, params));
    const html = await result.response.text();
    const screen = result.url.pathname === '/dex/approval' ? { url: result.url, html } : null;
    return { ...result, html, screen };
  }

  function field(html: string, name: string): string {
    return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
  }

  function answer(browser: TestBrowser, html: string, approval: 'approve' | 'deny', csrf = field(html, 'csrf_token')) {
    return browser.follow(`${stack.issuer}/approval`, { form: { session: field(html, 'session'), csrf_token: csrf, approval } });
  }

  async function registerClient(name: string): Promise<TestClient> {
    const response = await fetch(`${stack.issuer}/registration`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [`${RP}/registered`], client_name: name }),
    });
    const body = (await response.json()) as { client_id: string; client_secret: string };
    return { id: body.client_id, secret: body.client_secret, redirectUri: `${RP}/registered` };
  }

  it('shows the client’s name, redirect host and the scopes in words, then issues a code that works on Allow', async () => {
    const { browser } = await loggedInBrowser();
    const client = await stack.addClient({ trusted: false, name: 'Photo <Printer>' });
    const { response, screen, html } = await authorize(browser, client, { scope: 'openid email profile offline_access' });
    expect(response.status).toBe(200);
    expect(screen, 'the approval screen').not.toBeNull();
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(html).toContain('<span id="consent-client">Photo &lt;Printer&gt;</span>');
    expect(html).toContain('<strong id="consent-host">127.0.0.1:5555</strong>');
    for (const words of ['See your email address', 'See your name', 'Keep access while you are not using it'])
      expect(html).toContain(words);
    expect(field(html, 'csrf_token')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const approved = await answer(browser, html, 'approve');
    expect(approved.location?.origin).toBe(RP);
    expect(approved.location?.searchParams.get('state')).toBe('consent-state');
    const tokens = await tokenRequest(stack, client, {
      grant_type: 'authorization_code',
      code: approved.location?.searchParams.get('code') ?? '',
      redirect_uri: client.redirectUri,
    });
    expect(tokens.status).toBe(200);
    expect(((await tokens.json()) as { refresh_token?: string }).refresh_token).toBeTruthy();
  });

  it('remembers the approval per user, client and scopes; more scopes or prompt=consent ask again', async () => {
    const { browser } = await loggedInBrowser();
    const client = await stack.addClient({ trusted: false, name: 'Remembered' });
    const first = await authorize(browser, client);
    expect(first.screen).not.toBeNull();
    await answer(browser, first.html, 'approve');

    const again = await authorize(browser, client, { scope: 'email openid' });
    expect(again.screen, 'the same scopes: no screen').toBeNull();
    expect(again.location?.searchParams.get('code')).toBeTruthy();

    const wider = await authorize(browser, client, { scope: 'openid email groups' });
    expect(wider.screen, 'a new scope: the screen again').not.toBeNull();
    expect(wider.html).toContain('See the groups you belong to');
    await answer(browser, wider.html, 'approve');
    expect((await authorize(browser, client, { scope: 'openid groups' })).screen).toBeNull();

    const forced = await authorize(browser, client, { prompt: 'consent' });
    expect(forced.screen, 'prompt=consent').not.toBeNull();

    // Another user of the same browser's client is asked for themselves.
    const other = await loggedInBrowser();
    expect((await authorize(other.browser, client)).screen).not.toBeNull();
  });

  it('answers access_denied at the redirect URI when the user denies', async () => {
    const { browser } = await loggedInBrowser();
    const client = await stack.addClient({ trusted: false });
    const { html } = await authorize(browser, client);
    const denied = await answer(browser, html, 'deny');
    expect(denied.location?.origin).toBe(RP);
    expect(Object.fromEntries(denied.location?.searchParams ?? [])).toEqual({
      error: 'access_denied',
      error_description: 'the user denied the request',
      state: 'consent-state',
      iss: stack.issuer,
    });
    // The refusal is not remembered as an approval, and the answered screen is spent.
    expect((await authorize(browser, client)).screen).not.toBeNull();
    const replay = await answer(browser, html, 'approve');
    expect(replay.response.status).toBe(400);
    expect(replay.location).toBeNull();
  });

  it('refuses an answer without the form’s CSRF token', async () => {
    const { browser } = await loggedInBrowser();
    const client = await stack.addClient({ trusted: false });
    const { html } = await authorize(browser, client);
    const forged = await answer(browser, html, 'approve', 'x'.repeat(43));
    expect(forged.response.status).toBe(403);
    expect(forged.location).toBeNull();
    // The real form still works.
    expect((await answer(browser, html, 'approve')).location?.searchParams.get('code')).toBeTruthy();
  });

  it('prompt=none needing approval is consent_required', async () => {
    const { browser } = await loggedInBrowser();
    const client = await stack.addClient({ trusted: false });
    const { location, screen } = await authorize(browser, client, { prompt: 'none' });
    expect(screen).toBeNull();
    expect(location?.searchParams.get('error')).toBe('consent_required');
    expect(location?.searchParams.get('state')).toBe('consent-state');
    const trusted = await authorize(browser, await stack.addClient({ trusted: true }), { prompt: 'none' });
    expect(trusted.location?.searchParams.get('code')).toBeTruthy();
  });

  it('always asks for a dynamically registered client, even one an admin marks trusted', async () => {
    const { browser } = await loggedInBrowser();
    const client = await registerClient('Self-registered');
    await updateClient(stack.db.prisma, { id: client.id, changes: { trusted: true } });
    const { screen, html } = await authorize(browser, client);
    expect(screen).not.toBeNull();
    expect(html).toContain('Self-registered');
  });

  it('asks a logged-out user after the password form too', async () => {
    const user = await stack.addUser();
    const browser = new TestBrowser(stack.issuer);
    const client = await stack.addClient({ trusted: false });
    const { verifier, challenge } = pkcePair();
    const form = await browser.follow(authUrl(client, { code_challenge: challenge, code_challenge_method: 'S256' }));
    const login = await browser.submitLogin(
      { url: form.url, html: await form.response.text() },
      { login: user.email, password: user.password },
    );
    expect(login.url.pathname).toBe('/dex/approval');
    const approved = await answer(browser, await login.response.text(), 'approve');
    const tokens = await tokenRequest(stack, client, {
      grant_type: 'authorization_code',
      code: approved.location?.searchParams.get('code') ?? '',
      code_verifier: verifier,
      redirect_uri: client.redirectUri,
    });
    expect(tokens.status).toBe(200);
  });

  it('forgets approvals when the client is deleted: a new client with the same id asks again', async () => {
    const { browser } = await loggedInBrowser();
    const client = await stack.addClient({ trusted: false });
    await answer(browser, (await authorize(browser, client)).html, 'approve');
    expect((await authorize(browser, client)).screen).toBeNull();
    await deleteClient(stack.db.prisma, { id: client.id });
    expect(await stack.db.prisma.consent.count({ where: { clientId: client.id } })).toBe(0);
    await createClient(stack.db.prisma, { id: client.id, secret: client.secret, redirectUris: [client.redirectUri] });
    expect((await authorize(browser, client)).screen).not.toBeNull();
  });
});
