import * as oidc from 'openid-client';
import { sha256Hex } from '@dex/shared/crypto';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { obtainTokens, tokenRequest } from '../support/flows.ts';
import { postForm, tooManyParams } from '../support/form-post.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

describe.each(testProviders(process.env))('token introspection RFC7662 (%s)', (provider) => {
  let stack: WorkerStack;
  let introspectUrl: string;
  beforeAll(async () => {
    stack = await startWorkerStack(provider);
    introspectUrl = `${stack.issuer}/token/introspect`;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const introspect = (
    client: { id: string; secret: string } | null,
    params: Record<string, string> | URLSearchParams,
    headers?: Record<string, string>,
  ) => postForm(introspectUrl, client, params, headers);

  /** Asserts a 200, uncached introspection response and returns its body. */
  async function introspection(response: Response): Promise<Record<string, unknown>> {
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    return (await response.json()) as Record<string, unknown>;
  }

  /** Asserts an RFC 6749 §5.2 error body. */
  async function expectError(response: Response, status: number, error: string, description: string): Promise<void> {
    expect(response.status).toBe(status);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ error, error_description: description });
  }

  it('is announced in discovery with its client authentication methods', async () => {
    const metadata = (await (await fetch(`${stack.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(metadata.introspection_endpoint).toBe(introspectUrl);
    expect(metadata.introspection_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post']);
  });

  it('describes an active access token (§2.2)', async () => {
    const { client, user, tokens } = await obtainTokens(stack, { scope: 'openid email' });
    const before = Math.floor(Date.now() / 1000);
    const body = await introspection(await introspect(client, { token: String(tokens.access_token) }));
    expect(body).toEqual({
      active: true,
      scope: 'openid email',
      client_id: client.id,
      username: user.email,
      token_type: 'Bearer',
      exp: expect.any(Number),
      iat: expect.any(Number),
      nbf: body.iat,
      sub: user.id,
      aud: client.id,
      iss: stack.issuer,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    // Exactly RFC 7662 §2.2's members, in its order.
    expect(Object.keys(body)).toEqual([
      'active',
      'scope',
      'client_id',
      'username',
      'token_type',
      'exp',
      'iat',
      'nbf',
      'sub',
      'aud',
      'iss',
      'jti',
    ]);
    expect(Number(body.exp) - Number(body.iat)).toBe(3600);
    expect(Number(body.iat)).toBeGreaterThanOrEqual(before - 60);
  });

  it('lets any confidential client introspect an access token, as a resource server would', async () => {
    const { client, tokens } = await obtainTokens(stack, { scope: 'openid' });
    const body = await introspection(await introspect(await stack.addClient(), { token: String(tokens.access_token) }));
    expect(body).toMatchObject({ active: true, client_id: client.id });
  });

  it('describes a client-credentials access token with sub = client id', async () => {
    const client = await stack.addClient();
    const grant = (await (await tokenRequest(stack, client, { grant_type: 'client_credentials' })).json()) as Record<string, string>;
    const body = await introspection(await introspect(client, { token: grant.access_token ?? '' }));
    expect(body).toMatchObject({
      active: true,
      scope: 'openid',
      client_id: client.id,
      sub: client.id,
      aud: client.id,
      token_type: 'Bearer',
    });
    // No user, so no username.
    expect(body).not.toHaveProperty('username');
  });

  it('describes an active refresh token to the client it was issued to, whatever the hint says', async () => {
    const { client, user, tokens } = await obtainTokens(stack, { scope: 'openid offline_access' });
    const token = String(tokens.refresh_token);
    const row = await stack.db.prisma.refreshToken.findUniqueOrThrow({ where: { tokenHash: sha256Hex(token) } });
    const expected = {
      active: true,
      scope: 'openid offline_access',
      client_id: client.id,
      username: user.email,
      token_type: 'refresh_token',
      // the idle lifetime (1h in the test stack) ends before the absolute one (24h)
      exp: Math.floor(row.createdAt.getTime() / 1000) + 3600,
      iat: Math.floor(row.createdAt.getTime() / 1000),
      nbf: Math.floor(row.createdAt.getTime() / 1000),
      sub: user.id,
      aud: client.id,
      iss: stack.issuer,
      jti: row.id,
    };
    expect(await introspection(await introspect(client, { token }))).toEqual(expected);
    expect(await introspection(await introspect(client, { token, token_type_hint: 'refresh_token' }))).toEqual(expected);
    expect(await introspection(await introspect(client, { token, token_type_hint: 'access_token' }))).toEqual(expected);
    expect(await introspection(await introspect(client, { token, token_type_hint: 'something_else' }))).toEqual(expected);
  });

  it('says inactive for another client’s refresh token', async () => {
    const { tokens } = await obtainTokens(stack, { scope: 'openid offline_access' });
    const body = await introspection(await introspect(await stack.addClient(), { token: String(tokens.refresh_token) }));
    expect(body).toEqual({ active: false });
  });

  it('says inactive for revoked and rotated refresh tokens', async () => {
    const { client, tokens } = await obtainTokens(stack, { scope: 'openid offline_access' });
    const first = String(tokens.refresh_token);
    const rotated = await tokenRequest(stack, client, { grant_type: 'refresh_token', refresh_token: first });
    const second = ((await rotated.json()) as Record<string, string>).refresh_token ?? '';
    expect(await introspection(await introspect(client, { token: first }))).toEqual({ active: false });
    expect(await introspection(await introspect(client, { token: second }))).toMatchObject({ active: true });
    const revoked = await postForm(`${stack.issuer}/token/revoke`, client, { token: second });
    expect(revoked.status).toBe(200);
    expect(await introspection(await introspect(client, { token: second }))).toEqual({ active: false });
  });

  it('says inactive for the tokens of a disabled user', async () => {
    const { client, user, tokens } = await obtainTokens(stack, { scope: 'openid offline_access' });
    await stack.db.prisma.user.update({ where: { id: user.id }, data: { disabled: true } });
    expect(await introspection(await introspect(client, { token: String(tokens.access_token) }))).toEqual({ active: false });
    expect(await introspection(await introspect(client, { token: String(tokens.refresh_token) }))).toEqual({ active: false });
  });

  it('says inactive for unknown, tampered and foreign tokens', async () => {
    const { client, tokens } = await obtainTokens(stack, { scope: 'openid' });
    const token = String(tokens.access_token);
    const tampered = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    for (const inactive of ['no-such-token', tampered, String(tokens.id_token), 'x'.repeat(8_000)]) {
      expect(await introspection(await introspect(client, { token: inactive }))).toEqual({ active: false });
    }
  });

  it('refuses a token longer than any parameter may be, before looking it up', async () => {
    const { client } = await obtainTokens(stack, { scope: 'openid' });
    await expectError(await introspect(client, { token: 'x'.repeat(20_000) }), 400, 'invalid_request', 'parameter token is too long');
  });

  it('is for confidential clients only: a public client is invalid_client', async () => {
    const client = await stack.addClient({ public: true, name: 'CLI', redirectUris: [] });
    const cases: [Response, string][] = [
      [await introspect(null, { token: 'x', client_id: client.id }), 'client authentication failed'],
      // It has no secret: Basic with an empty password is its client_id alone, which is not enough here.
      [await introspect(client, { token: 'x' }), 'client authentication failed'],
    ];
    for (const [response, description] of cases) {
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="dex", charset="UTF-8"');
      await expectError(response, 401, 'invalid_client', description);
    }
  });

  it('authenticates the client (invalid_client with a Basic challenge)', async () => {
    const client = await stack.addClient();
    const cases: [Response, string][] = [
      [await introspect({ id: client.id, secret: 'wrong' }, { token: 'x' }), 'client authentication failed'],
      [await introspect(null, { token: 'x' }), 'client authentication is required'],
      [await introspect(null, { token: 'x' }, { authorization: 'Basic !!!' }), 'malformed Basic credentials'],
    ];
    for (const [response, description] of cases) {
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="dex", charset="UTF-8"');
      await expectError(response, 401, 'invalid_client', description);
    }
  });

  it('answers malformed requests with invalid_request, never a server error', async () => {
    const client = await stack.addClient();
    await expectError(await introspect(client, {}), 400, 'invalid_request', 'missing required parameter: token');
    const json = await fetch(introspectUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"token":"x"}' });
    await expectError(json, 400, 'invalid_request', 'the request body must be application/x-www-form-urlencoded');
    const repeated = await introspect(
      client,
      new URLSearchParams([
        ['token', 'a'],
        ['token', 'b'],
      ]),
    );
    await expectError(repeated, 400, 'invalid_request', 'parameter token was given more than once');
    const repeatedId = await introspect(
      null,
      new URLSearchParams([
        ['token', 'a'],
        ['client_id', 'a'],
        ['client_id', 'b'],
      ]),
    );
    await expectError(repeatedId, 400, 'invalid_request', 'parameter client_id was given more than once');
    await expectError(await introspect(client, { token: 'x'.repeat(40_000) }), 413, 'invalid_request', 'request body too large');
    await expectError(await introspect(client, tooManyParams({ token: 'x' })), 400, 'invalid_request', 'too many parameters');
    const get = await fetch(introspectUrl);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    await expectError(get, 405, 'invalid_request', 'method GET is not allowed here; use POST or OPTIONS');
  });

  it('serves openid-client’s tokenIntrospection', async () => {
    const { client, user, tokens } = await obtainTokens(stack, { scope: 'openid offline_access' });
    const config = await oidc.discovery(new URL(stack.issuer), client.id, client.secret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const access = await oidc.tokenIntrospection(config, String(tokens.access_token));
    expect(access).toMatchObject({ active: true, sub: user.id, client_id: client.id, token_type: 'Bearer' });
    const refresh = await oidc.tokenIntrospection(config, String(tokens.refresh_token), { token_type_hint: 'refresh_token' });
    expect(refresh).toMatchObject({ active: true, sub: user.id, token_type: 'refresh_token' });
    expect(await oidc.tokenIntrospection(config, 'no-such-token')).toEqual({ active: false });
  });
});
