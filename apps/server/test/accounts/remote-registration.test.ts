import { randomBytes } from 'node:crypto';
import type { TConnectorConfig } from '@dex/shared/domain/connectors';
import { testProviders } from '@dex/shared/testing';
import { type SmtpSink, startSmtpSink } from '@dex/shared/testing/smtp-sink';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../support/browser.ts';
import { linkIn } from '../support/form-browser.ts';
import { pkcePair, readHealth, type TestClient, tokenRequest } from '../support/flows.ts';
import { startUpstreamProvider, type UpstreamAccount, type UpstreamProvider } from '../support/upstream-provider.ts';
import { walkUpstream } from '../support/upstream-walk.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

/** The relying party's origin: nothing listens there, the tests read its redirect. */
const RP_ORIGIN = 'http://127.0.0.1:5555';
const UPSTREAM_CLIENT_ID = 'dex-worker';

/** Upstream accounts: `email_verified` false means only a trusted-provider connector vouches for the email. */
const ACCOUNTS: Record<string, UpstreamAccount> = {
  alice: { email: 'alice@upstream.example', email_verified: false, name: 'Alice Upstream' },
  ivan: { email: 'ivan@upstream.example', email_verified: false, name: 'Ivan Upstream' },
  bob: { email: 'bob@upstream.example', email_verified: false, name: 'Bob Upstream' },
  carol: { email: 'carol@upstream.example', email_verified: false, name: 'Carol Upstream' },
  dave: { email: 'dave@example.com', email_verified: true, name: 'Dave Elsewhere' },
  erin: { email: 'erin@upstream.example', email_verified: false, name: 'Erin Upstream' },
  frank: { email: 'frank@upstream.example', email_verified: false, name: 'Frank Upstream' },
  grace: { email: 'grace@upstream.example', email_verified: false, name: 'Grace Upstream' },
  heidi: { email: 'heidi@upstream.example', email_verified: false, name: 'Heidi Upstream' },
};

const attr = (html: string, pattern: RegExp) => pattern.exec(html)?.[1]?.replaceAll('&amp;', '&');
const hiddenField = (html: string, name: string) => attr(html, new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`)) ?? '';

async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(testProviders(process.env))('registration of upstream identities, dex v0 §2.4/§2.7 (%s)', (provider) => {
  let stack: WorkerStack;
  let sink: SmtpSink;
  let upstream: UpstreamProvider;
  const clientSecret = randomBytes(24).toString('base64url');

  beforeAll(async () => {
    sink = await startSmtpSink();
    stack = await startWorkerStack(provider, {
      enableRegistration: true,
      enableAutomaticRegistration: false,
      emailer: { type: 'smtp', host: sink.host, port: sink.port, from: 'dex@example.com' },
    });
    upstream = await startUpstreamProvider({
      clients: [
        {
          clientId: UPSTREAM_CLIENT_ID,
          clientSecret,
          redirectUris: ['up', 'up-trusted'].map((id) => `${stack.issuer}/auth/${id}/callback`),
        },
      ],
      accounts: ACCOUNTS,
    });
    const oidc = (id: string, name: string, extra: Record<string, unknown> = {}) =>
      ({ type: 'oidc', id, name, issuerURL: upstream.issuer, clientID: UPSTREAM_CLIENT_ID, clientSecret, ...extra }) as TConnectorConfig;
    await stack.setConnectors([
      { type: 'local', id: 'local', name: 'Email and password' } as TConnectorConfig,
      oidc('up', 'Example Upstream'),
      oidc('up-trusted', 'Trusted Upstream', { trustedEmailProvider: true }),
    ]);
    await eventually(
      async () => ((await readHealth(stack)).checks['connector:up-trusted'] === undefined ? undefined : true),
      'connectors loading',
    );
  });
  afterAll(async () => {
    await upstream?.stop();
    await stack?.stop();
    await sink?.close();
  });

  function authUrl(client: TestClient, connectorId: string, challenge: string): URL {
    const url = new URL(`${stack.issuer}/auth`);
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

  /** A login as `account` through `connectorId` in a fresh browser, up to the first page or the relying party. */
  async function login(connectorId: string, account: string, client?: TestClient) {
    const rp = client ?? (await stack.addClient());
    upstream.loginAs = account;
    const { verifier, challenge } = pkcePair();
    const browser = new TestBrowser(stack.issuer);
    const flow = await walkUpstream(browser, authUrl(rp, connectorId, challenge), RP_ORIGIN);
    const html = flow.location === null ? await flow.response.text() : '';
    return { ...flow, html, client: rp, verifier, browser };
  }

  type Login = Awaited<ReturnType<typeof login>>;

  /** Posts the registration form as a browser would (its hidden fields, the email field's value), with `fields` on top. */
  function submitRegistration(flow: Login, fields: Record<string, string> = {}) {
    const email = attr(flow.html, /<input id="email"[^>]* value="([^"]*)"/);
    return flow.browser.request(`${stack.issuer}/register/identity`, {
      form: {
        session: hiddenField(flow.html, 'session'),
        csrf_token: hiddenField(flow.html, 'csrf_token'),
        ...(email === undefined ? {} : { email }),
        ...fields,
      },
    });
  }

  async function idTokenClaims(flow: { client: TestClient; verifier: string }, location: URL) {
    expect(location.origin).toBe(RP_ORIGIN);
    expect(location.searchParams.get('state')).toBe('rp-state');
    const response = await tokenRequest(stack, flow.client, {
      grant_type: 'authorization_code',
      code: location.searchParams.get('code') ?? '',
      code_verifier: flow.verifier,
      redirect_uri: flow.client.redirectUri,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { id_token: string };
    return (await jwtVerify(body.id_token, createRemoteJWKSet(new URL(`${stack.issuer}/keys`)), { issuer: stack.issuer })).payload;
  }

  const locationOf = (response: Response) => new URL(response.headers.get('location') ?? '', stack.issuer);

  it('a trusted identity confirms its upstream email: the relying party gets a code, the ID token the email, verified', async () => {
    const flow = await login('up-trusted', 'alice');
    expect(flow.location).toBeNull();
    expect(flow.response.status).toBe(200);
    expect(flow.url.pathname).toBe(`${new URL(stack.issuer).pathname}/register/identity`);
    expect(flow.html).toContain('Trusted Upstream');
    expect(flow.html).toContain('alice@upstream.example');
    // Nothing to type: the email is the one the connector vouched for.
    expect(flow.html).not.toMatch(/<input id="email"/);
    expect(await stack.db.prisma.user.count({ where: { email: 'alice@upstream.example' } })).toBe(0);

    const done = await submitRegistration(flow);
    expect(done.status).toBe(302);
    const claims = await idTokenClaims(flow, locationOf(done));
    expect(claims).toMatchObject({ email: 'alice@upstream.example', email_verified: true, name: 'Alice Upstream', nonce: 'rp-nonce' });

    const user = await stack.db.prisma.user.findUnique({ where: { email: 'alice@upstream.example' }, include: { remoteIdentities: true } });
    expect(user?.emailVerified).toBe(true);
    expect(user?.id).toBe(claims.sub);
    expect(user?.remoteIdentities.map((r) => [r.connectorId, r.remoteId])).toEqual([['up-trusted', 'alice']]);
    const events = await stack.db.prisma.loginEvent.findMany({ where: { email: 'alice@upstream.example' } });
    expect(events.map((e) => [e.type, e.reason, e.connectorId, e.userId])).toEqual([['success', null, 'up-trusted', user?.id]]);

    // The identity is linked now: the next login goes straight to the relying party.
    const again = await login('up-trusted', 'alice');
    expect(again.location?.origin).toBe(RP_ORIGIN);
    expect((await idTokenClaims(again, again.location ?? new URL(RP_ORIGIN))).sub).toBe(user?.id);
  });

  it('ignores an email forged into the form of a trusted identity', async () => {
    const flow = await login('up-trusted', 'ivan');
    const done = await submitRegistration(flow, { email: 'mallory@evil.example' });
    expect(done.status).toBe(302);
    const claims = await idTokenClaims(flow, locationOf(done));
    expect(claims).toMatchObject({ email: 'ivan@upstream.example', email_verified: true });
    expect(await stack.db.prisma.user.count({ where: { email: 'mallory@evil.example' } })).toBe(0);
  });

  it('an untrusted identity may change the email: the user starts unverified and the new address gets the verification link', async () => {
    const flow = await login('up', 'bob');
    expect(flow.response.status).toBe(200);
    expect(flow.html).toContain('Example Upstream');
    expect(attr(flow.html, /<input id="email"[^>]* value="([^"]*)"/)).toBe('bob@upstream.example');

    const invalid = await submitRegistration(flow, { email: 'not an email' });
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toContain('valid email address');

    const done = await submitRegistration(flow, { email: 'Bob.New@Example.com' });
    expect(done.status).toBe(302);
    const claims = await idTokenClaims(flow, locationOf(done));
    expect(claims).toMatchObject({ email: 'bob.new@example.com', email_verified: false });

    const mail = await sink.waitFor((m) => m.to.includes('bob.new@example.com'));
    const link = linkIn(mail.text, `${stack.issuer}/verify-email?token=`);
    const verified = await fetch(link, { redirect: 'manual' });
    expect(verified.status).toBeLessThan(400);
    const user = await stack.db.prisma.user.findUnique({ where: { email: 'bob.new@example.com' }, include: { remoteIdentities: true } });
    expect(user?.emailVerified).toBe(true);
    expect(user?.remoteIdentities.map((r) => [r.connectorId, r.remoteId])).toEqual([['up', 'bob']]);
    expect(await stack.db.prisma.user.count({ where: { email: 'bob@upstream.example' } })).toBe(0);
  });

  it('an email that has an account points to its connector, whose login continues the same request', async () => {
    const owner = await stack.addUser({ email: 'carol.local@example.com' });
    const flow = await login('up', 'carol');
    const taken = await submitRegistration(flow, { email: 'carol.local@example.com' });
    expect(taken.status).toBe(409);
    const page = await taken.text();
    expect(page).toContain('already exists');
    expect(page).toContain('Log in with Email and password');
    const href = attr(page, /id="login-with-connector" href="([^"]+)"/);
    expect(href).toBeDefined();
    expect(await stack.db.prisma.remoteIdentity.count({ where: { connectorId: 'up', remoteId: 'carol' } })).toBe(0);

    // The link leads to the local password form of the same authorization request.
    const form = await flow.browser.follow(new URL(href ?? '', stack.issuer));
    expect(form.response.status).toBe(200);
    expect(form.url.pathname).toBe(`${new URL(stack.issuer).pathname}/auth/local/login`);
    expect(form.url.searchParams.get('session')).toBe(hiddenField(flow.html, 'session'));
    const loggedIn = await flow.browser.submitLogin(
      { url: form.url, html: await form.response.text() },
      { login: owner.email, password: owner.password },
    );
    expect(loggedIn.location?.origin).toBe(RP_ORIGIN);
    const claims = await idTokenClaims(flow, loggedIn.location ?? new URL(RP_ORIGIN));
    expect(claims).toMatchObject({ sub: owner.id, nonce: 'rp-nonce' });
  });

  it("an upstream email of another connector's user gets the guidance at once: the connector's name and a link", async () => {
    const owner = await stack.addUser({ email: 'dave@example.com' });
    const flow = await login('up', 'dave');
    expect(flow.response.status).toBe(403);
    expect(flow.html).toContain('Wrong way to log in');
    expect(flow.html).toContain('Log in with Email and password');
    expect(flow.html).not.toContain('&quot;local&quot;');
    const href = attr(flow.html, /id="login-with-connector" href="([^"]+)"/) ?? '';
    const form = await flow.browser.follow(new URL(href, stack.issuer));
    expect(form.url.searchParams.get('login_hint')).toBe('dave@example.com');
    const loggedIn = await flow.browser.submitLogin(
      { url: form.url, html: await form.response.text() },
      { login: owner.email, password: owner.password },
    );
    expect((await idTokenClaims(flow, loggedIn.location ?? new URL(RP_ORIGIN))).sub).toBe(owner.id);
    const events = await stack.db.prisma.loginEvent.findMany({ where: { email: 'dave@example.com' }, orderBy: { at: 'asc' } });
    expect(events.map((e) => [e.type, e.reason, e.connectorId])).toEqual([
      ['failure', 'wrong_connector', 'up'],
      ['success', null, 'local'],
    ]);
  });

  it('refuses a form without the CSRF cookie or token, and creates nobody', async () => {
    const flow = await login('up', 'erin');
    const noToken = await submitRegistration(flow, { csrf_token: '', email: 'erin@upstream.example' });
    expect(noToken.status).toBe(403);
    const otherBrowser = await new TestBrowser(stack.issuer).request(`${stack.issuer}/register/identity`, {
      form: {
        session: hiddenField(flow.html, 'session'),
        csrf_token: hiddenField(flow.html, 'csrf_token'),
        email: 'erin@upstream.example',
      },
    });
    expect(otherBrowser.status).toBe(403);
    expect(await stack.db.prisma.remoteIdentity.count({ where: { connectorId: 'up', remoteId: 'erin' } })).toBe(0);
    expect(await stack.db.prisma.user.count({ where: { email: 'erin@upstream.example' } })).toBe(0);
    // The session still waits: the real form goes through.
    expect((await submitRegistration(flow)).status).toBe(302);
  });

  it('two concurrent submits of one registration make one user and one code', async () => {
    const flow = await login('up', 'frank');
    const answers = await Promise.all([submitRegistration(flow), submitRegistration(flow), submitRegistration(flow)]);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([302, 409, 409]);
    const conflict = answers.find((a) => a.status === 409);
    expect(await conflict?.text()).toContain('Already registered');
    expect(await stack.db.prisma.user.count({ where: { email: 'frank@upstream.example' } })).toBe(1);
    const winner = answers.find((a) => a.status === 302);
    expect((await idTokenClaims(flow, locationOf(winner as Response))).email).toBe('frank@upstream.example');
  });

  it('two windows registering one identity at once end with one user, both logged in as it', async () => {
    const first = await login('up', 'grace');
    const second = await login('up', 'grace');
    expect(hiddenField(first.html, 'session')).not.toBe(hiddenField(second.html, 'session'));
    const answers = await Promise.all([submitRegistration(first), submitRegistration(second)]);
    expect(answers.map((a) => a.status)).toEqual([302, 302]);
    const subs = await Promise.all([
      idTokenClaims(first, locationOf(answers[0] as Response)),
      idTokenClaims(second, locationOf(answers[1] as Response)),
    ]);
    expect(subs[0].sub).toBe(subs[1].sub);
    expect(await stack.db.prisma.user.count({ where: { email: 'grace@upstream.example' } })).toBe(1);
    expect(await stack.db.prisma.remoteIdentity.count({ where: { connectorId: 'up', remoteId: 'grace' } })).toBe(1);
  });

  it('a finished request, a forged session or an unknown connector gets a clear 4xx page, never a 500', async () => {
    const flow = await login('up', 'heidi');
    expect((await submitRegistration(flow)).status).toBe(302);
    const again = await flow.browser.request(`${stack.issuer}/register/identity?session=${hiddenField(flow.html, 'session')}`);
    expect(again.status).toBe(409);
    const forged = await fetch(`${stack.issuer}/register/identity?session=forged`);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('no longer valid');
    const unknown = await fetch(`${stack.issuer}/switch-connector?session=forged&connector_id=nope`, { redirect: 'manual' });
    expect(unknown.status).toBe(400);
    const finished = await fetch(`${stack.issuer}/switch-connector?session=${hiddenField(flow.html, 'session')}&connector_id=local`, {
      redirect: 'manual',
    });
    expect(finished.status).toBe(400);
  });
});
