import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../support/browser.ts';
import type { TestClient } from '../support/flows.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

/**
 * A black-box run of the provider through openid-client 6, a certified relying-party
 * library: every case starts from discovery and goes through the real pages.
 */
describe.each(testProviders(process.env))('openid-client black-box suite (%s)', (provider) => {
  let stack: WorkerStack;
  beforeAll(async () => {
    stack = await startWorkerStack(provider);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function configFor(client: TestClient, auth?: oidc.ClientAuth): Promise<oidc.Configuration> {
    return oidc.discovery(new URL(stack.issuer), client.id, client.secret, auth, { execute: [oidc.allowInsecureRequests] });
  }

  /** Runs the browser part: logs a fresh user in and returns the callback URL and the user. */
  async function browserLogin(url: URL, method: 'GET' | 'POST' = 'GET') {
    const user = await stack.addUser();
    const browser = new TestBrowser(stack.issuer);
    const page =
      method === 'GET'
        ? await browser.follow(url)
        : await browser.follow(new URL(url.origin + url.pathname), { form: Object.fromEntries(url.searchParams) });
    expect(page.response.status).toBe(200);
    const done = await browser.submitLogin(
      { url: page.url, html: await page.response.text() },
      { login: user.email, password: user.password },
    );
    if (done.location === null) throw new Error(`no redirect after login: ${done.response.status}`);
    return { user, callback: done.location };
  }

  async function codeFlow(
    client: TestClient,
    options: { auth?: oidc.ClientAuth; scope?: string; nonce?: boolean; extra?: Record<string, string>; method?: 'GET' | 'POST' } = {},
  ) {
    const config = await configFor(client, options.auth);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = options.nonce === false ? undefined : oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: client.redirectUri,
      scope: options.scope ?? 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      ...(nonce === undefined ? {} : { nonce }),
      ...options.extra,
    });
    const { user, callback } = await browserLogin(url, options.method);
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      ...(nonce === undefined ? {} : { expectedNonce: nonce }),
      idTokenExpected: true,
    });
    return { config, user, tokens, callback };
  }

  it('code flow with client_secret_basic', async () => {
    const client = await stack.addClient();
    const { user, tokens } = await codeFlow(client, { auth: oidc.ClientSecretBasic(client.secret) });
    expect(tokens.claims()).toMatchObject({ iss: stack.issuer, sub: user.id, aud: client.id, email: user.email, email_verified: true });
  });

  it('code flow with client_secret_post', async () => {
    const client = await stack.addClient();
    const { user, tokens } = await codeFlow(client, { auth: oidc.ClientSecretPost(client.secret) });
    expect(tokens.claims()?.sub).toBe(user.id);
  });

  it('code flow without a nonce, with reordered scopes and unknown parameters', async () => {
    const client = await stack.addClient();
    const { tokens } = await codeFlow(client, {
      nonce: false,
      scope: 'profile email openid',
      extra: { ui_locales: 'de', foo: 'bar', display: 'page' },
    });
    expect(tokens.claims()?.nonce).toBeUndefined();
    expect(tokens.scope?.split(' ').sort()).toEqual(['email', 'openid', 'profile']);
  });

  it('code flow with the authorization request sent by POST', async () => {
    const client = await stack.addClient();
    const { tokens } = await codeFlow(client, { method: 'POST' });
    expect(tokens.claims()?.aud).toBe(client.id);
  });

  it('a public client with PKCE and no secret', async () => {
    const client = await stack.addClient({ public: true, name: 'Native', redirectUris: [] });
    const loopback = { ...client, redirectUri: 'http://localhost:38123/cb' };
    const { tokens } = await codeFlow(loopback, { auth: oidc.None() });
    expect(tokens.claims()?.aud).toBe(client.id);
  });

  it('refresh rotation, and reuse of a rotated token revokes the family and its access tokens', async () => {
    const client = await stack.addClient();
    const { config, tokens } = await codeFlow(client, { scope: 'openid offline_access' });
    const first = tokens.refresh_token ?? '';
    const rotated = await oidc.refreshTokenGrant(config, first);
    expect(rotated.refresh_token).toBeTruthy();
    expect(rotated.refresh_token).not.toBe(first);
    const { sub } = rotated.claims() ?? {};
    expect(await oidc.fetchUserInfo(config, rotated.access_token, sub ?? '')).toMatchObject({ sub });
    await expect(oidc.refreshTokenGrant(config, first)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.refreshTokenGrant(config, rotated.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
    // The access token of the family's latest grant is revoked with it.
    await expect(oidc.fetchUserInfo(config, rotated.access_token, oidc.skipSubjectCheck)).rejects.toMatchObject({
      status: 401,
      cause: [{ scheme: 'bearer', parameters: { error: 'invalid_token' } }],
    });
  });

  it('a replayed code is refused and its first tokens revoked', async () => {
    const client = await stack.addClient();
    const { config, user, tokens, callback } = await codeFlow(client, { scope: 'openid offline_access' });
    expect(await oidc.fetchUserInfo(config, tokens.access_token, user.id)).toEqual({ sub: user.id });
    expect(await oidc.tokenIntrospection(config, tokens.access_token)).toMatchObject({ active: true, sub: user.id });
    const replay = await fetch(`${stack.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code') ?? '',
        client_id: client.id,
        client_secret: client.secret,
      }),
    });
    expect(replay.status).toBe(400);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
    // RFC 6749 §4.1.2: the access token the first exchange issued is revoked too.
    await expect(oidc.fetchUserInfo(config, tokens.access_token, oidc.skipSubjectCheck)).rejects.toMatchObject({
      status: 401,
      cause: [{ scheme: 'bearer', parameters: { error: 'invalid_token' } }],
    });
    expect(await oidc.tokenIntrospection(config, tokens.access_token)).toEqual({ active: false });
  });

  it('client credentials', async () => {
    const client = await stack.addClient();
    const tokens = await oidc.clientCredentialsGrant(await configFor(client), { scope: 'openid' });
    expect(tokens.access_token).toBeTruthy();
  });

  it('a cross-client audience names the peer and sets azp', async () => {
    const requester = await stack.addClient();
    const peer = await stack.addClient({ trustedPeers: [requester.id] });
    const { tokens } = await codeFlow(requester, {
      scope: `openid audience:server:client_id:${peer.id} audience:server:client_id:${requester.id}`,
    });
    const claims = tokens.claims();
    expect(claims?.aud).toEqual([peer.id, requester.id]);
    expect(claims?.azp).toBe(requester.id);
  });

  it.each([
    ['a trailing slash', (uri: string) => `${uri}/`],
    ['a different case', (uri: string) => uri.replace('callback', 'Callback')],
    ['an added query', (uri: string) => `${uri}?next=/admin`],
    ['userinfo in the authority', (uri: string) => uri.replace('http://', 'http://good@evil.example@')],
    ['another port', (uri: string) => uri.replace(':5555', ':5556')],
    ['another scheme', (uri: string) => uri.replace('http://', 'https://')],
    ['a fragment', (uri: string) => `${uri}#x`],
    ['a different host', (uri: string) => uri.replace('127.0.0.1', 'localhost')],
  ])('an unregistered redirect URI with %s gets an error page and no Location', async (_name, mutate) => {
    const client = await stack.addClient();
    const url = new URL(`${stack.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: client.id,
      redirect_uri: mutate(client.redirectUri),
      response_type: 'code',
      scope: 'openid',
      state: 's',
    }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('redirect_uri is not registered for this client');
  });
});

describe('ES256 signing keys (--key-alg ES256 at the overlord)', () => {
  let stack: WorkerStack;
  beforeAll(async () => {
    stack = await startWorkerStack('sqlite', {}, { keyAlg: 'ES256' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('signs ID tokens with ES256 that verify against the JWKS', async () => {
    const client = await stack.addClient();
    const config = await oidc.discovery(new URL(stack.issuer), client.id, client.secret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    expect(config.serverMetadata().id_token_signing_alg_values_supported).toContain('ES256');
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'openid' });
    const header = JSON.parse(Buffer.from(String(tokens.id_token).split('.')[0] ?? '', 'base64url').toString('utf8')) as { alg: string };
    expect(header.alg).toBe('ES256');
    const { payload } = await jwtVerify(String(tokens.id_token), createRemoteJWKSet(new URL(`${stack.issuer}/keys`)), {
      issuer: stack.issuer,
      audience: client.id,
    });
    expect(payload.sub).toBe(client.id);
    const keys = (await (await fetch(`${stack.issuer}/keys`)).json()) as { keys: { kty: string; crv: string }[] };
    expect(keys.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256' });
  });
});
