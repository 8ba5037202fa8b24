import { createHash, randomBytes } from 'node:crypto';
import { createClient } from '@dex/shared/domain/clients';
import { setConnectorConfigs } from '@dex/shared/domain/connectors';
import { createUser } from '@dex/shared/domain/users';
import { freePort, type Service, startDexProcess, testProviders, walkLogin } from '@dex/shared/testing';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminHarness, startAdminHarness } from './admin-harness.ts';

const PATH = '/api/v1/session/desktop';

describe.each(testProviders(process.env))('the desktop console signs in through dex: ID token for a session (%s)', (provider) => {
  let harness: AdminHarness;
  let worker: Service;
  let issuer: string;
  const admin = { email: `desk-ann-${provider}@example.com`, password: 'correct horse battery' };
  const user = { email: `desk-bob-${provider}@example.com`, password: 'just a user here' };
  const disabled = { email: `desk-dan-${provider}@example.com`, password: 'was an admin once' };

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}/dex`;
    harness = await startAdminHarness(provider, { consoleIssuer: new URL(issuer) });
    const { prisma } = harness.overlord.db;
    await setConnectorConfigs(prisma, [{ type: 'local', id: 'local' }]);
    await createUser(prisma, { ...admin, admin: true, localConnectorId: 'local' });
    await createUser(prisma, { ...user, localConnectorId: 'local' });
    await createUser(prisma, { ...disabled, admin: true, localConnectorId: 'local' });
    // Another native app of the deployment: its ID tokens are not for the console.
    await createClient(prisma, { id: `other-app-${provider}`, public: true, trusted: true, name: 'Other app', redirectUris: [] });
    const args = [
      '--db-url',
      harness.dbUrl,
      '--key-secrets',
      harness.keySecretText,
      '--listen',
      `http://127.0.0.1:${port}`,
      '--issuer',
      issuer,
    ];
    worker = await startDexProcess('worker', args, 'worker listening');
  }, 90_000);
  afterAll(async () => {
    await worker?.stop();
    await harness?.stop();
  });

  /** What the desktop app's main process does: a code flow with PKCE to a loopback redirect, then `/token` as a public client. */
  const idTokenFor = async (credentials: { email: string; password: string }, clientId = 'dex-console-desktop'): Promise<string> => {
    const verifier = randomBytes(32).toString('base64url');
    const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
    const auth = new URL(`${issuer}/auth`);
    auth.search = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      state: 'the-state',
      nonce: 'the-nonce',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const walk = await walkLogin(auth.href, { login: credentials.email, password: credentials.password });
    const back = new URL(walk.location ?? '', issuer);
    expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
    const token = await fetch(`${issuer}/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: back.searchParams.get('code') ?? '',
        redirect_uri: redirectUri,
        client_id: clientId,
        code_verifier: verifier,
      }),
    });
    expect(token.status).toBe(200);
    return ((await token.json()) as { id_token: string }).id_token;
  };

  const exchange = (idToken: unknown) =>
    harness.json(PATH, {
      method: 'POST',
      secret: null,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ idToken }),
    });

  it('tells the desktop app where to sign in: the console issuer and its public client', async () => {
    const answer = await harness.json(PATH, { secret: null });
    expect(answer).toEqual({ status: 200, body: { issuer, clientId: 'dex-console-desktop' } });
  });

  it('exchanges an admin’s ID token for the console session; its changes carry the CSRF token and name the admin', async () => {
    const response = await harness.call(PATH, {
      method: 'POST',
      secret: null,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ idToken: await idTokenFor(admin) }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    // Not a browser: no cookie is set, the main process keeps the token itself.
    expect(response.headers.getSetCookie()).toEqual([]);
    const session = (await response.json()) as { actor: string; sessionToken: string; csrfToken: string; expiresAt: string };
    expect(session.actor).toBe(admin.email);
    expect(session.sessionToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(session.expiresAt)).toBeGreaterThan(Date.now() + 11 * 3_600_000);
    const cookie = `dex_console_session=${session.sessionToken}`;

    // The same session model as the web console's: the cookie reads, and changes need the CSRF token.
    expect(await harness.json('/api/v1/session', { secret: null, headers: { cookie } })).toMatchObject({
      status: 200,
      body: { actor: admin.email, csrfToken: session.csrfToken },
    });
    const body = JSON.stringify({ redirectUris: ['https://desk.example.com/cb'], name: 'Made on the desktop' });
    const withoutCsrf = await harness.json('/api/v1/clients', {
      method: 'POST',
      secret: null,
      headers: { cookie, 'content-type': 'application/json' },
      body,
    });
    expect(withoutCsrf).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    const made = await harness.json('/api/v1/clients', {
      method: 'POST',
      secret: null,
      headers: { cookie, 'x-csrf-token': session.csrfToken, 'content-type': 'application/json' },
      body,
    });
    expect(made.status).toBe(201);
    const clientId = (made.body as { client: { id: string } }).client.id;

    const audit = await harness.json('/api/v1/audit?limit=100');
    const events = (audit.body as { items: { actor: string; action: string; targetId: string; after: unknown }[] }).items;
    expect(events).toContainEqual(expect.objectContaining({ actor: admin.email, action: 'console.sign-in', after: { via: 'desktop' } }));
    expect(events).toContainEqual(expect.objectContaining({ actor: admin.email, action: 'client.create', targetId: clientId }));

    // Sign-out revokes it at the overlord.
    expect((await harness.call('/api/v1/session', { method: 'DELETE', secret: null, headers: { cookie } })).status).toBe(204);
    expect(await harness.json('/api/v1/clients', { secret: null, headers: { cookie } })).toMatchObject({
      status: 401,
      body: { code: 'UNAUTHORIZED' },
    });
  });

  it('refuses a user who is not an admin, and an admin disabled since signing in, with 403 and no session', async () => {
    const notAdmin = await exchange(await idTokenFor(user));
    expect(notAdmin).toEqual({
      status: 403,
      body: { code: 'FORBIDDEN', message: `${user.email} is not an admin of this dex (or is disabled), so it cannot use the console` },
    });
    const token = await idTokenFor(disabled);
    const { prisma } = harness.overlord.db;
    await prisma.user.updateMany({ where: { email: disabled.email }, data: { disabled: true } });
    expect(await exchange(token)).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    const audit = await harness.json('/api/v1/audit?limit=100');
    const actors = (audit.body as { items: { actor: string }[] }).items.map((event) => event.actor);
    expect(actors).not.toContain(user.email);
    expect(actors).not.toContain(disabled.email);
  });

  it('refuses, with 401, tokens that are not the console issuer’s ID tokens for the desktop client', async () => {
    const genuine = await idTokenFor(admin);
    const [header, payload, signature] = genuine.split('.') as [string, string, string];
    // Another client's ID token from the same worker (wrong audience).
    const otherAudience = await idTokenFor(admin, `other-app-${provider}`);
    // The claims changed: the signature no longer matches.
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')}.${signature}`;
    // Well-formed, right claims, signed by a key the worker never published.
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const kid = JSON.parse(Buffer.from(header, 'base64url').toString()).kid as string;
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, jwk: await exportJWK(publicKey) }).sign(privateKey);

    for (const token of [otherAudience, tampered, forged, 'not-a-jwt']) {
      const refused = await exchange(token);
      expect(refused).toEqual({
        status: 401,
        body: { code: 'UNAUTHORIZED', message: expect.stringContaining('the ID token does not verify') },
      });
    }
    // Bad requests are the admin API's 400, never a 500.
    expect(await exchange(undefined)).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST' } });
    const notJson = await harness.json(PATH, { method: 'POST', secret: null, headers: { 'content-type': 'application/json' }, body: '{' });
    expect(notJson).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST' } });
  });
});

describe('an overlord without --console-issuer offers the desktop app only break-glass', () => {
  let harness: AdminHarness;
  beforeAll(async () => {
    harness = await startAdminHarness('sqlite');
  }, 60_000);
  afterAll(async () => {
    await harness?.stop();
  });

  it('answers 501 with a message that says what to do', async () => {
    for (const answer of [
      await harness.json(PATH, { secret: null }),
      await harness.json(PATH, { method: 'POST', secret: null, headers: { 'content-type': 'application/json' }, body: '{"idToken":"x"}' }),
    ]) {
      expect(answer).toEqual({ status: 501, body: { code: 'NOT_IMPLEMENTED', message: expect.stringContaining('--console-issuer') } });
    }
  });
});
