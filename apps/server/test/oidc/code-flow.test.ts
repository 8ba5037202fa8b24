import { createRemoteJWKSet, jwtVerify } from 'jose';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginForCode, type TestClient, tokenRequest } from '../support/flows.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

describe.each(testProviders(process.env))('authorization code flow (%s)', (provider) => {
  let stack: WorkerStack;
  beforeAll(async () => {
    stack = await startWorkerStack(provider);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const login = (options: { scope?: string; pkce?: boolean } = {}) => loginForCode(stack, options);
  const exchange = (client: TestClient, params: Record<string, string>) =>
    tokenRequest(stack, client, { grant_type: 'authorization_code', redirect_uri: client.redirectUri, ...params });

  it('returns code, state and iss, and the code yields a verifiable ID token', async () => {
    const { client, user, verifier, callback } = await login();
    expect(callback.searchParams.get('state')).toBe('st-123');
    expect(callback.searchParams.get('iss')).toBe(stack.issuer);
    const code = callback.searchParams.get('code') ?? '';
    expect(code.length).toBeGreaterThanOrEqual(43);

    const response = await exchange(client, { code, code_verifier: verifier });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(3600);
    expect(body.access_token).not.toBe(body.id_token);
    expect(body.refresh_token).toBeUndefined();

    const jwks = createRemoteJWKSet(new URL(`${stack.issuer}/keys`));
    const { payload, protectedHeader } = await jwtVerify(String(body.id_token), jwks, { issuer: stack.issuer, audience: client.id });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.sub).toBe(user.id);
    expect(payload.nonce).toBe('n-456');
    expect(payload.email).toBe(user.email);
    expect(payload.email_verified).toBe(true);
    expect(typeof payload.auth_time).toBe('number');
    expect(typeof payload.at_hash).toBe('string');
  });

  it('issues a refresh token when offline_access was granted', async () => {
    const { client, verifier, callback } = await login({ scope: 'openid offline_access' });
    const response = await exchange(client, { code: callback.searchParams.get('code') ?? '', code_verifier: verifier });
    const body = (await response.json()) as Record<string, unknown>;
    expect(typeof body.refresh_token).toBe('string');
  });

  it('refuses a replayed code and revokes what the first exchange issued', async () => {
    const { client, verifier, callback } = await login({ scope: 'openid offline_access' });
    const code = callback.searchParams.get('code') ?? '';
    expect((await exchange(client, { code, code_verifier: verifier })).status).toBe(200);
    const replay = await exchange(client, { code, code_verifier: verifier });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toEqual({ error: 'invalid_grant', error_description: 'the authorization code was already used' });
    const tokens = await stack.db.prisma.refreshToken.findMany({ where: { clientId: client.id } });
    expect(tokens).toHaveLength(1);
    expect(tokens[0]?.revokedAt).not.toBeNull();
  });

  it('refuses a wrong PKCE verifier', async () => {
    const { client, callback } = await login();
    const response = await exchange(client, { code: callback.searchParams.get('code') ?? '', code_verifier: 'x'.repeat(43) });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_grant', error_description: 'code_verifier does not match the code_challenge' });
  });

  it('refuses a redirect_uri other than the one of the authorization request', async () => {
    const { client, verifier, callback } = await login();
    const response = await exchange(client, {
      code: callback.searchParams.get('code') ?? '',
      code_verifier: verifier,
      redirect_uri: 'http://127.0.0.1:5555/other',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('refuses a code issued to another client', async () => {
    const { verifier, callback } = await login();
    const other = await stack.addClient();
    const response = await exchange(other, { code: callback.searchParams.get('code') ?? '', code_verifier: verifier });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'the authorization code was issued to another client',
    });
  });

  it('answers a wrong client secret with 401 invalid_client and WWW-Authenticate', async () => {
    const { client, verifier, callback } = await login();
    const response = await exchange(
      { ...client, secret: 'wrong-secret' },
      { code: callback.searchParams.get('code') ?? '', code_verifier: verifier },
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(await response.json()).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
  });

  it('answers an unknown grant type with unsupported_grant_type', async () => {
    const client = await stack.addClient();
    const response = await exchange(client, { grant_type: 'password' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('unsupported_grant_type');
  });
});
