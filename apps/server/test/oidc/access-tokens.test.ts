import { testProviders } from '@dex/shared/testing';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, isActive, loginForCode, obtainTokens, type TestClient, tokenRequest, userinfoStatus } from '../support/flows.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

/** What a resource server does with an RFC 9068 token: oauth4webapi's validator, against the JWKS. */
async function validateAsResourceServer(stack: WorkerStack, token: string, audience: string) {
  const issuer = new URL(stack.issuer);
  const as = await oauth
    .discoveryRequest(issuer, { [oauth.allowInsecureRequests]: true })
    .then((response) => oauth.processDiscoveryResponse(issuer, response));
  const request = new Request('https://api.example/things', { headers: { authorization: `Bearer ${token}` } });
  return oauth.validateJwtAccessToken(as, request, audience, { [oauth.allowInsecureRequests]: true });
}

async function revoke(stack: WorkerStack, client: TestClient, token: string): Promise<number> {
  const response = await fetch(`${stack.issuer}/token/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client) },
    body: new URLSearchParams({ token }),
  });
  await response.body?.cancel();
  return response.status;
}

describe.each(testProviders(process.env))('access token formats: opaque, and RFC 9068 JWTs (%s)', (provider) => {
  let stack: WorkerStack;
  beforeAll(async () => {
    stack = await startWorkerStack(provider);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('issues opaque access tokens by default: no JWT, nothing readable, accepted by userinfo and introspection', async () => {
    const { client, user, tokens } = await obtainTokens(stack, { scope: 'openid email offline_access' });
    const token = String(tokens.access_token);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(() => decodeJwt(token)).toThrow();
    expect(Buffer.from(token, 'base64url').toString('latin1')).not.toContain(user.id);
    expect(await userinfoStatus(stack, token)).toBe(200);
    expect(await isActive(stack, client, token)).toBe(true);
    // A refresh issues another opaque one; a flipped character is no token at all.
    const refreshed = await tokenRequest(stack, client, { grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) });
    const next = ((await refreshed.json()) as { access_token: string }).access_token;
    expect(() => decodeJwt(next)).toThrow();
    const tampered = `${next.slice(0, 20)}${next[20] === 'A' ? 'B' : 'A'}${next.slice(21)}`;
    expect(await userinfoStatus(stack, tampered)).toBe(401);
    expect(await revoke(stack, client, next)).toBe(200);
    expect(await userinfoStatus(stack, next)).toBe(401);
  });

  it('issues RFC 9068 JWTs to a client set to jwt, which a resource server validates with the JWKS', async () => {
    const client = await stack.addClient({ accessTokenFormat: 'jwt' });
    const { user, tokens } = await obtainTokens(stack, { client, scope: 'openid email offline_access' });
    const token = String(tokens.access_token);
    const header = decodeProtectedHeader(token);
    expect(header).toMatchObject({ typ: 'at+jwt', alg: 'RS256', kid: expect.any(String) });
    const claims = await validateAsResourceServer(stack, token, client.id);
    expect(claims).toMatchObject({
      iss: stack.issuer,
      sub: user.id,
      aud: client.id,
      client_id: client.id,
      scope: 'openid email offline_access',
      jti: expect.any(String),
      iat: expect.any(Number),
      exp: expect.any(Number),
    });
    expect(await userinfoStatus(stack, token)).toBe(200);
    expect(await isActive(stack, client, token)).toBe(true);
    // Revoked like any other: userinfo and introspection refuse it from then on.
    expect(await revoke(stack, client, token)).toBe(200);
    expect(await userinfoStatus(stack, token)).toBe(401);
    expect(await isActive(stack, client, token)).toBe(false);
  });

  it('issues a JWT whose aud is the RFC 8707 resource, at the code exchange and at refresh', async () => {
    const resource = 'https://api.example/';
    const { client, verifier, callback } = await loginForCode(stack, { scope: 'openid offline_access' });
    const exchanged = await tokenRequest(stack, client, {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      code_verifier: verifier,
      redirect_uri: client.redirectUri,
      resource,
    });
    const tokens = (await exchanged.json()) as { access_token: string; refresh_token: string };
    expect(await validateAsResourceServer(stack, tokens.access_token, resource)).toMatchObject({ aud: resource, client_id: client.id });
    const refreshed = await tokenRequest(stack, client, {
      grant_type: 'refresh_token',
      refresh_token: String(tokens.refresh_token),
      resource,
    });
    expect(refreshed.status).toBe(200);
    const token = ((await refreshed.json()) as { access_token: string }).access_token;
    expect(await validateAsResourceServer(stack, token, resource)).toMatchObject({ aud: resource, client_id: client.id });
    await expect(validateAsResourceServer(stack, token, client.id)).rejects.toThrow();
    expect(await userinfoStatus(stack, token)).toBe(200);
  });

  it('refuses a resource that is not an absolute URI without a fragment with invalid_target', async () => {
    const client = await stack.addClient();
    for (const resource of ['api', 'https://api.example/#x']) {
      const response = await tokenRequest(stack, client, { grant_type: 'client_credentials', resource });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: 'invalid_target',
        error_description: 'resource must be an absolute URI without a fragment (RFC 8707)',
      });
    }
  });

  it('never takes an ID token for an access token', async () => {
    const { tokens } = await obtainTokens(stack, { scope: 'openid' });
    const idToken = String(tokens.id_token);
    await jwtVerify(idToken, createRemoteJWKSet(new URL(`${stack.issuer}/keys`)));
    expect(await userinfoStatus(stack, idToken)).toBe(401);
  });
});
