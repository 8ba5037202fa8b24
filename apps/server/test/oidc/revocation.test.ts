import * as oidc from 'openid-client';
import { sha256Hex } from '@dex/shared/crypto';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isActive, loginForCode, obtainTokens, type TestClient, tokenRequest, userinfoStatus } from '../support/flows.ts';
import { postForm, tooManyParams } from '../support/form-post.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

describe.each(testProviders(process.env))('token revocation RFC7009 (%s)', (provider) => {
  let stack: WorkerStack;
  let revokeUrl: string;
  beforeAll(async () => {
    stack = await startWorkerStack(provider);
    revokeUrl = `${stack.issuer}/token/revoke`;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const revoke = (
    client: { id: string; secret: string } | null,
    params: Record<string, string> | URLSearchParams,
    headers?: Record<string, string>,
  ) => postForm(revokeUrl, client, params, headers);
  const refresh = (client: TestClient, token: string) => tokenRequest(stack, client, { grant_type: 'refresh_token', refresh_token: token });

  /** Asserts the empty, uncached 200 of §2.2. */
  async function expectRevokedResponse(response: Response): Promise<void> {
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toBe('');
  }

  /** Asserts an RFC 6749 §5.2 error body. */
  async function expectError(response: Response, status: number, error: string, description: string): Promise<void> {
    expect(response.status).toBe(status);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ error, error_description: description });
  }

  const unrevokedInFamily = async (token: string) => {
    const row = await stack.db.prisma.refreshToken.findUniqueOrThrow({ where: { tokenHash: sha256Hex(token) } });
    return stack.db.prisma.refreshToken.count({ where: { familyId: row.familyId, revokedAt: null } });
  };

  it('is announced in discovery with its client authentication methods', async () => {
    const metadata = (await (await fetch(`${stack.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(metadata.revocation_endpoint).toBe(revokeUrl);
    expect(metadata.revocation_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post', 'none']);
  });

  it('revokes a refresh token and its family: the next refresh is invalid_grant', async () => {
    const { client, tokens } = await obtainTokens(stack, { scope: 'openid offline_access' });
    const first = String(tokens.refresh_token);
    const second = ((await (await refresh(client, first)).json()) as Record<string, string>).refresh_token ?? '';
    expect(await unrevokedInFamily(second)).toBe(2); // the rotated first and the live second
    await expectRevokedResponse(await revoke(client, { token: second, token_type_hint: 'refresh_token' }));
    expect(await unrevokedInFamily(second)).toBe(0);
    await expectError(await refresh(client, second), 400, 'invalid_grant', 'the refresh token is invalid');
  });

  it('revokes the family from an already rotated token too', async () => {
    const { client, tokens } = await obtainTokens(stack, { scope: 'openid offline_access' });
    const first = String(tokens.refresh_token);
    const second = ((await (await refresh(client, first)).json()) as Record<string, string>).refresh_token ?? '';
    await expectRevokedResponse(await revoke(client, { token: first }));
    await expectError(await refresh(client, second), 400, 'invalid_grant', 'the refresh token is invalid');
  });

  it('refuses to revoke another client’s refresh token (§2.1: unauthorized_client) and leaves it alone', async () => {
    const { client, tokens } = await obtainTokens(stack, { scope: 'openid offline_access' });
    const other = await stack.addClient();
    const token = String(tokens.refresh_token);
    await expectError(
      await revoke(other, { token, token_type_hint: 'refresh_token' }),
      400,
      'unauthorized_client',
      'the token was not issued to this client',
    );
    expect(await unrevokedInFamily(token)).toBe(1);
    expect((await refresh(client, token)).status).toBe(200);
  });

  it('answers 200 to unknown tokens and ignores an unknown hint (§2.1)', async () => {
    const { client, tokens } = await obtainTokens(stack, { scope: 'openid offline_access' });
    await expectRevokedResponse(await revoke(client, { token: 'no-such-token' }));
    const token = String(tokens.refresh_token);
    await expectRevokedResponse(await revoke(client, { token, token_type_hint: 'id_token' }));
    expect(await unrevokedInFamily(token)).toBe(0);
  });

  it('revokes for a public client authenticated with its client_id only', async () => {
    const client = await stack.addClient({ public: true, name: 'CLI', redirectUris: ['http://127.0.0.1:5555/callback'] });
    const { verifier, callback } = await loginForCode(stack, { client, scope: 'openid offline_access' });
    const grant = await tokenRequest(stack, null, {
      grant_type: 'authorization_code',
      client_id: client.id,
      code: callback.searchParams.get('code') ?? '',
      code_verifier: verifier,
      redirect_uri: client.redirectUri,
    });
    const token = ((await grant.json()) as Record<string, string>).refresh_token ?? '';
    await expectRevokedResponse(await revoke(null, { token, client_id: client.id }));
    expect(await unrevokedInFamily(token)).toBe(0);
  });

  it('revokes the client’s own access token with its grant: userinfo 401, introspection inactive, refresh family revoked', async () => {
    const { client, tokens } = await obtainTokens(stack, { scope: 'openid offline_access' });
    const token = String(tokens.access_token);
    const refreshToken = String(tokens.refresh_token);
    expect(await userinfoStatus(stack, token)).toBe(200);
    expect(await isActive(stack, client, token)).toBe(true);
    await expectRevokedResponse(await revoke(client, { token, token_type_hint: 'access_token' }));
    expect(await userinfoStatus(stack, token)).toBe(401);
    expect(await isActive(stack, client, token)).toBe(false);
    expect(await unrevokedInFamily(refreshToken)).toBe(0);
    await expectError(await refresh(client, refreshToken), 400, 'invalid_grant', 'the refresh token is invalid');
  });

  it('revokes an access token without a hint, or hinted as a refresh token, and every access token of its grant', async () => {
    const { client, tokens } = await obtainTokens(stack, { scope: 'openid offline_access' });
    const first = String(tokens.access_token);
    const rotated = (await (await refresh(client, String(tokens.refresh_token))).json()) as Record<string, string>;
    const second = rotated.access_token ?? '';
    expect(await userinfoStatus(stack, second)).toBe(200);
    await expectRevokedResponse(await revoke(client, { token: second }));
    expect(await userinfoStatus(stack, second)).toBe(401);
    expect(await userinfoStatus(stack, first)).toBe(401);
    expect(await unrevokedInFamily(rotated.refresh_token ?? '')).toBe(0);

    const other = await obtainTokens(stack, { scope: 'openid' });
    const token = String(other.tokens.access_token);
    await expectRevokedResponse(await revoke(other.client, { token, token_type_hint: 'refresh_token' }));
    expect(await userinfoStatus(stack, token)).toBe(401);
  });

  it('refuses to revoke another client’s access token (§2.1: unauthorized_client) and leaves it alone', async () => {
    const { client, tokens } = await obtainTokens(stack, { scope: 'openid offline_access' });
    const token = String(tokens.access_token);
    const other = await stack.addClient();
    for (const params of [{ token, token_type_hint: 'access_token' }, { token }] as Record<string, string>[]) {
      await expectError(await revoke(other, params), 400, 'unauthorized_client', 'the token was not issued to this client');
    }
    expect(await userinfoStatus(stack, token)).toBe(200);
    expect(await isActive(stack, client, token)).toBe(true);
    expect(await unrevokedInFamily(String(tokens.refresh_token))).toBe(1);
  });

  it('revokes the access tokens of a refresh token’s grant with its family', async () => {
    const { client, tokens } = await obtainTokens(stack, { scope: 'openid offline_access' });
    const first = String(tokens.access_token);
    const rotated = (await (await refresh(client, String(tokens.refresh_token))).json()) as Record<string, string>;
    const second = rotated.access_token ?? '';
    expect(await userinfoStatus(stack, first)).toBe(200);
    await expectRevokedResponse(await revoke(client, { token: rotated.refresh_token ?? '', token_type_hint: 'refresh_token' }));
    expect(await userinfoStatus(stack, first)).toBe(401);
    expect(await userinfoStatus(stack, second)).toBe(401);
    expect(await isActive(stack, client, second)).toBe(false);
  });

  it('revokes a client-credentials access token by itself (it has no grant)', async () => {
    const client = await stack.addClient();
    const issue = async () =>
      String(
        ((await (await tokenRequest(stack, client, { grant_type: 'client_credentials' })).json()) as Record<string, string>).access_token,
      );
    const [token, sibling] = [await issue(), await issue()];
    expect(await isActive(stack, client, token)).toBe(true);
    const other = await revoke(await stack.addClient(), { token, token_type_hint: 'access_token' });
    await expectError(other, 400, 'unauthorized_client', 'the token was not issued to this client');
    expect(await isActive(stack, client, token)).toBe(true);
    await expectRevokedResponse(await revoke(client, { token, token_type_hint: 'access_token' }));
    expect(await isActive(stack, client, token)).toBe(false);
    expect(await isActive(stack, client, sibling)).toBe(true);
  });

  it('requires the token parameter', async () => {
    const client = await stack.addClient();
    await expectError(await revoke(client, {}), 400, 'invalid_request', 'missing required parameter: token');
    await expectError(await revoke(client, { token: '' }), 400, 'invalid_request', 'missing required parameter: token');
  });

  it('authenticates the client as the token endpoint does (invalid_client with a Basic challenge)', async () => {
    const client = await stack.addClient();
    const cases: [Response, string][] = [
      [await revoke({ id: client.id, secret: 'wrong' }, { token: 'x' }), 'client authentication failed'],
      [await revoke(null, { token: 'x' }), 'client authentication is required'],
      [await revoke(null, { token: 'x' }, { authorization: 'Basic !!!' }), 'malformed Basic credentials'],
      [
        await revoke(null, { token: 'x' }, { authorization: `Basic ${Buffer.from('%zz:%zz').toString('base64')}` }),
        'malformed Basic credentials',
      ],
      [await revoke(null, { token: 'x', client_id: client.id }), 'client authentication failed'],
    ];
    for (const [response, description] of cases) {
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="dex", charset="UTF-8"');
      await expectError(response, 401, 'invalid_client', description);
    }
  });

  it('answers malformed requests with invalid_request, never a server error', async () => {
    const client = await stack.addClient();
    const json = await fetch(revokeUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"token":"x"}' });
    await expectError(json, 400, 'invalid_request', 'the request body must be application/x-www-form-urlencoded');
    const repeated = await revoke(
      client,
      new URLSearchParams([
        ['token', 'a'],
        ['token', 'b'],
      ]),
    );
    await expectError(repeated, 400, 'invalid_request', 'parameter token was given more than once');
    await expectError(await revoke(client, { token: 'x'.repeat(40_000) }), 413, 'invalid_request', 'request body too large');
    await expectError(await revoke(client, tooManyParams({ token: 'x' })), 400, 'invalid_request', 'too many parameters');
    const get = await fetch(revokeUrl);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    await expectError(get, 405, 'invalid_request', 'method GET is not allowed here; use POST or OPTIONS');
  });

  it('serves openid-client’s tokenRevocation', async () => {
    const { client, tokens } = await obtainTokens(stack, { scope: 'openid offline_access' });
    const config = await oidc.discovery(new URL(stack.issuer), client.id, client.secret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    await oidc.tokenRevocation(config, String(tokens.refresh_token), { token_type_hint: 'refresh_token' });
    await expectError(await refresh(client, String(tokens.refresh_token)), 400, 'invalid_grant', 'the refresh token is invalid');
    const next = await obtainTokens(stack, { scope: 'openid', client });
    await oidc.tokenRevocation(config, String(next.tokens.access_token), { token_type_hint: 'access_token' });
    expect(await userinfoStatus(stack, String(next.tokens.access_token))).toBe(401);
  });
});
