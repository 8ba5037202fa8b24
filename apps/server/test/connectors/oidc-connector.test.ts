import { randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { TConnectorConfig } from '@dex/shared/domain/connectors';
import { freePort, testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../support/browser.ts';
import { pkcePair, readHealth, type TestClient, tokenRequest } from '../support/flows.ts';
import { startUpstreamProvider, type UpstreamAccount, type UpstreamProvider } from '../support/upstream-provider.ts';
import { walkUpstream } from '../support/upstream-walk.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';
import { readConnectorLogins } from './login-metrics.ts';

/** The relying party's origin: nothing listens there, the tests read its redirect. */
const RP_ORIGIN = 'http://127.0.0.1:5555';
const UPSTREAM_CLIENT_ID = 'dex-worker';
const CONNECTOR_IDS = ['up', 'up-trusted', 'up-bad-secret', 'up-down', 'up-groups'];

const ACCOUNTS: Record<string, UpstreamAccount> = {
  alice: { email: 'alice@upstream.example', email_verified: true, name: 'Alice Upstream', preferred_username: 'alice' },
  bob: { email: 'bob@upstream.example', email_verified: false, name: 'Bob Upstream' },
  carol: { email: 'carol@upstream.example', email_verified: false, name: 'Carol Upstream' },
  dave: { email: 'dave@example.com', email_verified: true, name: 'Dave Elsewhere' },
  erin: { email: 'erin@upstream.example', email_verified: true, name: 'Erin Upstream' },
  frank: { email: 'frank@upstream.example', email_verified: true, name: 'Frank', groups: ['admins', 'developers'] },
  grace: { email: 'grace@upstream.example', email_verified: true, name: 'Grace' },
  heidi: { email: 'heidi@upstream.example', email_verified: true, name: 'Heidi Late' },
};

async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Follows the round trip through the upstream, up to a page or the relying party. */
const walk = (browser: TestBrowser, start: string | URL, stopAt?: (next: URL) => boolean) =>
  walkUpstream(browser, start, RP_ORIGIN, stopAt);

describe.each(testProviders(process.env))('oidc connector: dex in front of another OpenID Provider (%s)', (provider) => {
  /** Automatic registration on. */
  let stack: WorkerStack;
  /** Automatic registration off. */
  let closed: WorkerStack;
  let upstream: UpstreamProvider;
  let late: UpstreamProvider | undefined;
  let downPort: number;
  const clientSecret = randomBytes(24).toString('base64url');

  const redirectUris = () => [stack, closed].flatMap((s) => CONNECTOR_IDS.map((id) => `${s.issuer}/auth/${id}/callback`));
  const oidcConnector = (id: string, extra: Record<string, unknown> = {}): TConnectorConfig =>
    ({ type: 'oidc', id, issuerURL: upstream.issuer, clientID: UPSTREAM_CLIENT_ID, clientSecret, ...extra }) as TConnectorConfig;

  beforeAll(async () => {
    stack = await startWorkerStack(provider, { enableAutomaticRegistration: true });
    closed = await startWorkerStack(provider);
    downPort = await freePort();
    upstream = await startUpstreamProvider({
      clients: [{ clientId: UPSTREAM_CLIENT_ID, clientSecret, redirectUris: redirectUris() }],
      accounts: ACCOUNTS,
    });
    await stack.setConnectors([
      { type: 'local', id: 'local' },
      oidcConnector('up'),
      oidcConnector('up-trusted', { trustedEmailProvider: true }),
      oidcConnector('up-bad-secret', { clientSecret: 'not-the-secret-0123456789' }),
      oidcConnector('up-down', { issuerURL: `http://127.0.0.1:${downPort}` }),
      oidcConnector('up-groups', { scopes: ['openid', 'email', 'profile', 'groups'], groupsClaim: 'groups' }),
    ]);
    await closed.setConnectors([{ type: 'local', id: 'local' }, oidcConnector('up')]);
    for (const [s, id] of [
      [stack, 'up-groups'],
      [closed, 'up'],
    ] as const) {
      await eventually(async () => ((await readHealth(s)).checks[`connector:${id}`] === undefined ? undefined : true), `${id} loading`);
    }
  });
  afterAll(async () => {
    await late?.stop();
    await upstream?.stop();
    await closed?.stop();
    await stack?.stop();
  });

  function authUrl(s: WorkerStack, client: TestClient, connectorId: string, challenge: string): URL {
    const url = new URL(`${s.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: client.id,
      redirect_uri: client.redirectUri,
      response_type: 'code',
      scope: 'openid email profile',
      state: 'rp-state',
      nonce: 'rp-nonce',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      connector_id: connectorId,
    }).toString();
    return url;
  }

  /** A login as `account` through `connectorId`, in a fresh browser, up to a page or the RP. */
  async function login(s: WorkerStack, connectorId: string, account: string, client?: TestClient) {
    const rp = client ?? (await s.addClient());
    upstream.loginAs = account;
    if (late !== undefined) late.loginAs = account;
    const { verifier, challenge } = pkcePair();
    const browser = new TestBrowser(s.issuer);
    const result = await walk(browser, authUrl(s, rp, connectorId, challenge));
    return { ...result, client: rp, verifier, browser };
  }

  async function idTokenClaims(s: WorkerStack, flow: { client: TestClient; verifier: string; location: URL | null }) {
    const code = flow.location?.searchParams.get('code');
    expect(code, 'the relying party got a code').toBeTruthy();
    const response = await tokenRequest(s, flow.client, {
      grant_type: 'authorization_code',
      code: code ?? '',
      code_verifier: flow.verifier,
      redirect_uri: flow.client.redirectUri,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { id_token: string };
    return (await jwtVerify(body.id_token, createRemoteJWKSet(new URL(`${s.issuer}/keys`)), { issuer: s.issuer })).payload;
  }

  it('lists every connector in the login metrics from the start, at 0', async () => {
    const text = await (await fetch(`${closed.issuer}/metrics`)).text();
    expect(text).toMatch(/^dex_connector_logins_total\{connector="up",outcome="success",type="oidc"\} 0$/m);
    expect(text).toMatch(/^dex_connector_logins_total\{connector="local",outcome="success",type="local"\} 0$/m);
  });

  it('sends the browser upstream with PKCE S256, state, nonce and the callback, keeping the secrets in a scoped cookie', async () => {
    const client = await stack.addClient();
    const { challenge } = pkcePair();
    const browser = new TestBrowser(stack.issuer);
    const toConnector = await browser.request(authUrl(stack, client, 'up', challenge));
    expect(toConnector.status).toBe(302);
    const loginUrl = new URL(toConnector.headers.get('location') ?? '', stack.issuer);
    expect(loginUrl.pathname).toBe('/dex/auth/up/login');
    const sessionId = loginUrl.searchParams.get('session');

    const toUpstream = await browser.request(loginUrl);
    expect(toUpstream.status).toBe(302);
    const authorize = new URL(toUpstream.headers.get('location') ?? '');
    expect(authorize.origin).toBe(upstream.issuer);
    const params = Object.fromEntries(authorize.searchParams);
    expect(params).toMatchObject({
      client_id: UPSTREAM_CLIENT_ID,
      response_type: 'code',
      redirect_uri: `${stack.issuer}/auth/up/callback`,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
      state: sessionId,
    });
    expect(params.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = toUpstream.headers.getSetCookie().find((line) => line.startsWith('dex_upstream_')) ?? '';
    expect(cookie).toMatch(/; Path=\/dex\/auth\/up\//);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).not.toContain(params.code_challenge ?? '');
  });

  it('logs a new user in with automatic registration: email and name from upstream, email_verified as upstream says', async () => {
    const metrics = await readConnectorLogins(stack.issuer);
    const flow = await login(stack, 'up', 'alice');
    expect(flow.location?.searchParams.get('state')).toBe('rp-state');
    expect(flow.location?.searchParams.get('iss')).toBe(stack.issuer);
    const claims = await idTokenClaims(stack, flow);
    expect(claims).toMatchObject({ email: 'alice@upstream.example', email_verified: true, name: 'Alice Upstream', nonce: 'rp-nonce' });
    const user = await stack.db.prisma.user.findUnique({ where: { email: 'alice@upstream.example' } });
    expect(user?.id).toBe(claims.sub);
    expect([...flow.browser.cookies.keys()].filter((name) => name.startsWith('dex_upstream_'))).toEqual([]);

    // The second login maps to the same user.
    const again = await login(stack, 'up', 'alice');
    expect((await idTokenClaims(stack, again)).sub).toBe(claims.sub);
    expect(await stack.db.prisma.user.count({ where: { email: 'alice@upstream.example' } })).toBe(1);
    expect((await readConnectorLogins(stack.issuer)).since(metrics)).toEqual({ 'up:oidc:success': 2 });
  });

  it('takes email_verified from upstream for an untrusted provider and sets it for a trusted one', async () => {
    const untrusted = await idTokenClaims(stack, await login(stack, 'up', 'bob'));
    expect(untrusted).toMatchObject({ email: 'bob@upstream.example', email_verified: false });
    const trusted = await idTokenClaims(stack, await login(stack, 'up-trusted', 'carol'));
    expect(trusted).toMatchObject({ email: 'carol@upstream.example', email_verified: true, name: 'Carol Upstream' });
  });

  it('keeps the groups claim in the identity (groupsClaim)', async () => {
    const flow = await login(stack, 'up-groups', 'frank');
    const claims = await idTokenClaims(stack, flow);
    const session = await stack.db.prisma.authSession.findFirst({ where: { userId: String(claims.sub), connectorId: 'up-groups' } });
    expect(JSON.parse(session?.identity ?? '{}')).toMatchObject({
      id: 'frank',
      email: 'frank@upstream.example',
      groups: ['admins', 'developers'],
    });
  });

  it('without automatic registration, an unknown identity gets the "No account" page', async () => {
    const metrics = await readConnectorLogins(closed.issuer);
    const flow = await login(closed, 'up', 'erin');
    expect(flow.location).toBeNull();
    expect(flow.response.status).toBe(403);
    expect(await flow.response.text()).toContain('No account');
    expect(await closed.db.prisma.user.count({ where: { email: 'erin@upstream.example' } })).toBe(0);
    // The connector proved who erin is; that dex has no account for her is not a connector failure.
    expect((await readConnectorLogins(closed.issuer)).since(metrics)).toEqual({ 'up:oidc:success': 1 });
  });

  it('an email that belongs to a local user gets the wrong-connector page, never a merge', async () => {
    await stack.addUser({ email: 'dave@example.com' });
    const flow = await login(stack, 'up', 'dave');
    expect(flow.location).toBeNull();
    expect(flow.response.status).toBe(403);
    const page = await flow.response.text();
    expect(page).toContain('Wrong way to log in');
    // The connector's display name, and a link that starts the same request there.
    expect(page).toContain('Log in with Email');
    expect(page).toMatch(/id="login-with-connector" href="\/dex\/switch-connector\?session=[^"&]+&amp;connector_id=local/);
  });

  it('denied consent upstream sends access_denied with the state and iss to the relying party', async () => {
    const metrics = await readConnectorLogins(stack.issuer);
    upstream.denyConsent = true;
    try {
      const flow = await login(stack, 'up', 'grace');
      expect(flow.location?.origin).toBe(RP_ORIGIN);
      const params = Object.fromEntries(flow.location?.searchParams ?? []);
      expect(params).toMatchObject({ error: 'access_denied', state: 'rp-state', iss: stack.issuer });
      expect(params.code).toBeUndefined();
      expect(params.error_description).toBeTruthy();
    } finally {
      upstream.denyConsent = false;
    }
    expect((await readConnectorLogins(stack.issuer)).since(metrics)).toEqual({ 'up:oidc:failure:access_denied': 1 });
  });

  it('a client secret the upstream refuses ends on an error page without a code', async () => {
    const metrics = await readConnectorLogins(stack.issuer);
    const flow = await login(stack, 'up-bad-secret', 'grace');
    expect(flow.location).toBeNull();
    expect(flow.response.status).toBe(502);
    const page = await flow.response.text();
    expect(page).toContain('client credentials');
    expect(page).not.toContain('not-the-secret');
    expect(page).not.toContain(clientSecret);
    expect((await readConnectorLogins(stack.issuer)).since(metrics)).toEqual({ 'up-bad-secret:oidc:failure:invalid_client': 1 });
  });

  it('an ID token that does not verify (nonce mismatch) ends on an error page without a code', async () => {
    const metrics = await readConnectorLogins(stack.issuer);
    upstream.loginAs = 'grace';
    const browser = new TestBrowser(stack.issuer);
    const client = await stack.addClient();
    const toCallback = await walk(browser, authUrl(stack, client, 'up', pkcePair().challenge), (next) =>
      next.pathname.endsWith('/auth/up/callback'),
    );
    const [name = '', value = ''] = [...browser.cookies].find(([cookie]) => cookie.startsWith('dex_upstream_')) ?? [];
    const [verifier, , ...signedFreshness] = value.split('.');
    browser.cookies.set(name, [verifier, randomBytes(32).toString('base64url'), ...signedFreshness].join('.'));
    const flow = await walk(browser, toCallback.location ?? '');
    expect(flow.location).toBeNull();
    expect(flow.response.status).toBe(502);
    expect(await flow.response.text()).toContain('could not be verified');
    expect((await readConnectorLogins(stack.issuer)).since(metrics)).toEqual({ 'up:oidc:failure:invalid_response': 1 });
  });

  it('a forged, unknown or foreign state at the callback gets a 400 page', async () => {
    const metrics = await readConnectorLogins(stack.issuer);
    const forged = await fetch(`${stack.issuer}/auth/up/callback?code=abc&state=forged`, { redirect: 'manual' });
    expect(forged.status).toBe(400);
    expect(forged.headers.get('location')).toBeNull();

    // A real session, but the callback comes from another browser (login CSRF): no cookie.
    const client = await stack.addClient();
    const started = await new TestBrowser(stack.issuer).follow(authUrl(stack, client, 'up', pkcePair().challenge));
    const state = started.location?.searchParams.get('state') ?? '';
    expect(state).not.toBe('');
    const elsewhere = await new TestBrowser(stack.issuer).request(
      `${stack.issuer}/auth/up/callback?${new URLSearchParams({ code: 'abc', state, iss: upstream.issuer })}`,
    );
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.text()).toContain('not started in this browser');

    // The state of a session that belongs to another connector.
    const local = await new TestBrowser(stack.issuer).follow(authUrl(stack, client, 'local', pkcePair().challenge));
    const localSession = local.url.searchParams.get('session') ?? '';
    expect(localSession).not.toBe('');
    const foreign = await fetch(`${stack.issuer}/auth/up/callback?code=abc&state=${encodeURIComponent(localSession)}`, {
      redirect: 'manual',
    });
    expect(foreign.status).toBe(400);
    expect((await readConnectorLogins(stack.issuer)).since(metrics)).toEqual({ 'up:oidc:failure:session_expired': 3 });
  });

  describe('prompt=login and max_age reach the upstream (OpenID Connect Core §3.1.2.1)', () => {
    /** A browser that logged in through `up` as `account`, at an upstream that says it authenticated the user 10 minutes ago. */
    async function browserWithOldUpstreamSession(client: TestClient, account: string): Promise<TestBrowser> {
      const browser = new TestBrowser(stack.issuer);
      upstream.loginAs = account;
      upstream.authTimeAgoSeconds = 600;
      try {
        const first = await walk(browser, authUrl(stack, client, 'up', pkcePair().challenge));
        expect(first.location?.searchParams.get('code')).toBeTruthy();
      } finally {
        upstream.authTimeAgoSeconds = 0;
      }
      // dex's own single sign-on would answer before the connector is asked.
      browser.cookies.delete('dex_session');
      return browser;
    }

    function authUrlWith(client: TestClient, challenge: string, extra: Record<string, string>): URL {
      const url = authUrl(stack, client, 'up', challenge);
      for (const [name, value] of Object.entries(extra)) url.searchParams.set(name, value);
      return url;
    }

    it('without them, the upstream session answers; with prompt=login the user logs in upstream again', async () => {
      const client = await stack.addClient();
      const browser = await browserWithOldUpstreamSession(client, 'alice');
      const logins = upstream.logins;
      const reused = await walk(browser, authUrl(stack, client, 'up', pkcePair().challenge));
      expect(reused.location?.searchParams.get('code')).toBeTruthy();
      expect(upstream.logins, 'no new upstream login').toBe(logins);

      const { verifier, challenge } = pkcePair();
      const toUpstream = await walk(
        browser,
        authUrlWith(client, challenge, { prompt: 'login' }),
        (next) => next.origin === upstream.issuer,
      );
      expect(toUpstream.location?.searchParams.get('prompt')).toBe('login');
      expect(toUpstream.location?.searchParams.get('max_age')).toBe('0');
      const fresh = await walk(browser, toUpstream.location ?? '');
      expect(upstream.logins, 'the user logged in upstream again').toBe(logins + 1);
      const claims = await idTokenClaims(stack, { client, verifier, location: fresh.location });
      expect(claims).toMatchObject({ email: 'alice@upstream.example' });
      expect(Number(claims.auth_time)).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) - 60);
    });

    it('max_age goes upstream, and an upstream session older than it means logging in again', async () => {
      const client = await stack.addClient();
      const browser = await browserWithOldUpstreamSession(client, 'alice');
      const logins = upstream.logins;
      const toUpstream = await walk(
        browser,
        authUrlWith(client, pkcePair().challenge, { max_age: '120' }),
        (next) => next.origin === upstream.issuer,
      );
      expect(toUpstream.location?.searchParams.get('max_age')).toBe('120');
      expect(toUpstream.location?.searchParams.has('prompt')).toBe(false);
      const fresh = await walk(browser, toUpstream.location ?? '');
      expect(fresh.location?.searchParams.get('code')).toBeTruthy();
      expect(upstream.logins).toBe(logins + 1);
    });

    it('a browser that drops prompt=login on the way upstream is refused: the old upstream login does not count', async () => {
      const client = await stack.addClient();
      const browser = await browserWithOldUpstreamSession(client, 'alice');
      const metrics = await readConnectorLogins(stack.issuer);
      const logins = upstream.logins;
      const toUpstream = await walk(
        browser,
        authUrlWith(client, pkcePair().challenge, { prompt: 'login' }),
        (next) => next.origin === upstream.issuer,
      );
      const stripped = new URL(toUpstream.location ?? '');
      stripped.searchParams.delete('prompt');
      stripped.searchParams.delete('max_age');
      const flow = await walk(browser, stripped);
      expect(upstream.logins, 'the upstream session answered').toBe(logins);
      expect(flow.location).toBeNull();
      expect(flow.response.status).toBe(502);
      expect(await flow.response.text()).toContain('did not confirm a recent login');
      expect((await readConnectorLogins(stack.issuer)).since(metrics)).toEqual({ 'up:oidc:failure:stale_login': 1 });
    });

    it('a connector login URL whose requirement was removed or changed gets the expired page', async () => {
      const client = await stack.addClient();
      const browser = new TestBrowser(stack.issuer);
      const toConnector = await browser.request(authUrlWith(client, pkcePair().challenge, { prompt: 'login' }));
      const loginUrl = new URL(toConnector.headers.get('location') ?? '', stack.issuer);
      expect(loginUrl.searchParams.get('fresh')).toBe('login');
      for (const tamper of [(url: URL) => url.searchParams.delete('fresh'), (url: URL) => url.searchParams.set('fresh', '86400')]) {
        const tampered = new URL(loginUrl);
        tamper(tampered);
        const response = await browser.request(tampered);
        expect(response.status).toBe(400);
        expect(response.headers.get('location')).toBeNull();
        expect(await response.text()).toContain('Login expired');
      }
      // The untouched URL still works.
      const untouched = await browser.request(loginUrl);
      expect(untouched.status).toBe(302);
      expect(new URL(untouched.headers.get('location') ?? '').searchParams.get('prompt')).toBe('login');
    });
  });

  it('shows a connector whose upstream is down as unavailable on the login page; the others stay usable', async () => {
    const client = await stack.addClient();
    const { challenge } = pkcePair();
    const url = authUrl(stack, client, '', challenge);
    url.searchParams.delete('connector_id');
    const browser = new TestBrowser(stack.issuer);
    const chooser = await browser.request(url);
    expect(chooser.status).toBe(200);
    const page = await chooser.text();
    expect(page).toContain('<span class="button unavailable" id="connector-up-down" aria-disabled="true">');
    expect(page).toContain('is unavailable right now');
    expect(page).not.toMatch(/href="[^"]*connector_id=up-down/);
    const local = /<a class="button" id="connector-local" href="([^"]*)"/.exec(page)?.[1]?.replaceAll('&amp;', '&');
    expect(local, 'the local connector is a link').toBeDefined();
    expect(page).toMatch(/<a class="button" id="connector-up" href=/);
    const form = await browser.follow(new URL(local ?? '', stack.issuer));
    expect(form.response.status).toBe(200);
    expect(form.url.pathname).toBe('/dex/auth/local/login');
  });

  it('reports each connector in /health', async () => {
    const { status, state, checks } = await readHealth(stack);
    expect(checks['connector:up']).toBe('ok');
    expect(checks['connector:local']).toBe('ok');
    if (late === undefined) {
      expect(status).toBe(200);
      expect(state).toBe('degraded');
      expect(checks['connector:up-down']).toContain('connection refused');
    }
  });

  it('an upstream that is down gives an error page, and works once it is up, without restarting the worker', async () => {
    const metrics = await readConnectorLogins(stack.issuer);
    const down = await login(stack, 'up-down', 'heidi');
    expect(down.location).toBeNull();
    expect(down.response.status).toBe(502);
    expect(await down.response.text()).toContain('cannot be reached');

    // This one puts the claims in the ID token: no userinfo request.
    late = await startUpstreamProvider({
      port: downPort,
      clients: [{ clientId: UPSTREAM_CLIENT_ID, clientSecret, redirectUris: redirectUris() }],
      accounts: ACCOUNTS,
      conformIdTokenClaims: false,
    });
    const { status, checks } = await readHealth(stack);
    expect(checks['connector:up-down']).toBe('ok');
    expect(status).toBe(200);
    const up = await login(stack, 'up-down', 'heidi');
    expect(await idTokenClaims(stack, up)).toMatchObject({ email: 'heidi@upstream.example', name: 'Heidi Late', email_verified: true });
    expect((await readConnectorLogins(stack.issuer)).since(metrics)).toEqual({
      'up-down:oidc:failure:unavailable': 1,
      'up-down:oidc:success': 1,
    });
  });
});
