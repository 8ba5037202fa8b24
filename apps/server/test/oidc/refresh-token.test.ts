import { createRemoteJWKSet, jwtVerify } from 'jose';
import { sha256Hex } from '@dex/shared/crypto';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isActive, obtainTokens, tokenRequest, userinfoStatus } from '../support/flows.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

describe.each(testProviders(process.env))('refresh token grant RFC6749 §6 (%s)', (provider) => {
  let stack: WorkerStack;
  beforeAll(async () => {
    stack = await startWorkerStack(provider);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const refresh = (client: Parameters<typeof tokenRequest>[1], token: string, extra: Record<string, string> = {}) =>
    tokenRequest(stack, client, { grant_type: 'refresh_token', refresh_token: token, ...extra });

  it('rotates the token and returns a fresh ID token with the same subject and no nonce', async () => {
    const { client, user, tokens } = await obtainTokens(stack, { scope: 'openid email offline_access' });
    const response = await refresh(client, String(tokens.refresh_token));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, string>;
    expect(body.refresh_token).toBeTruthy();
    expect(body.refresh_token).not.toBe(tokens.refresh_token);
    expect(body.scope).toBe('openid email offline_access');
    const { payload } = await jwtVerify(body.id_token ?? '', createRemoteJWKSet(new URL(`${stack.issuer}/keys`)), {
      issuer: stack.issuer,
      audience: client.id,
    });
    expect(payload.sub).toBe(user.id);
    expect(payload.nonce).toBeUndefined();
    expect(payload.email).toBe(user.email);
    expect(typeof payload.auth_time).toBe('number');
  });

  it('revokes the whole family and its access tokens when a rotated token is used again', async () => {
    const { client, tokens } = await obtainTokens(stack, { scope: 'openid offline_access' });
    const first = String(tokens.refresh_token);
    const rotated = (await (await refresh(client, first)).json()) as Record<string, string>;
    const second = rotated.refresh_token ?? '';
    const latestAccessToken = rotated.access_token ?? '';
    expect(await userinfoStatus(stack, latestAccessToken)).toBe(200);
    const reuse = await refresh(client, first);
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toEqual({ error: 'invalid_grant', error_description: 'the refresh token was already used' });
    const afterReuse = await refresh(client, second);
    expect(afterReuse.status).toBe(400);
    expect(await afterReuse.json()).toEqual({ error: 'invalid_grant', error_description: 'the refresh token is invalid' });
    // The access tokens of the grant die with it: the latest one and the code grant's first.
    expect(await userinfoStatus(stack, latestAccessToken)).toBe(401);
    expect(await userinfoStatus(stack, String(tokens.access_token))).toBe(401);
    expect(await isActive(stack, client, latestAccessToken)).toBe(false);
  });

  it('narrows scopes on request and refuses to widen them, without spending the token', async () => {
    const { client, tokens } = await obtainTokens(stack, { scope: 'openid email offline_access' });
    const widen = await refresh(client, String(tokens.refresh_token), { scope: 'openid email profile offline_access' });
    expect(widen.status).toBe(400);
    expect(await widen.json()).toEqual({ error: 'invalid_scope', error_description: 'scope exceeds what was granted: profile' });
    const narrowed = await refresh(client, String(tokens.refresh_token), { scope: 'openid offline_access' });
    expect(narrowed.status).toBe(200);
    const body = (await narrowed.json()) as Record<string, string>;
    expect(body.scope).toBe('openid offline_access');
    const { payload } = await jwtVerify(body.id_token ?? '', createRemoteJWKSet(new URL(`${stack.issuer}/keys`)));
    expect(payload.sub).toBeTruthy();
  });

  it('refuses another client’s refresh token with invalid_grant', async () => {
    const { tokens } = await obtainTokens(stack, { scope: 'openid offline_access' });
    const other = await stack.addClient();
    const response = await refresh(other, String(tokens.refresh_token));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_grant', error_description: 'the refresh token is invalid' });
  });

  it('refuses and revokes the tokens of a user who was disabled', async () => {
    const { client, user, tokens } = await obtainTokens(stack, { scope: 'openid offline_access' });
    await stack.db.prisma.user.update({ where: { id: user.id }, data: { disabled: true } });
    const response = await refresh(client, String(tokens.refresh_token));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_grant', error_description: 'the user is unknown or disabled' });
    const live = await stack.db.prisma.refreshToken.count({ where: { userId: user.id, revokedAt: null } });
    expect(live).toBe(0);
  });

  it('expires a token after its idle lifetime and its family after the absolute lifetime', async () => {
    const { client, tokens } = await obtainTokens(stack, { scope: 'openid offline_access' });
    const hash = { tokenHash: sha256Hex(String(tokens.refresh_token)) };
    await stack.db.prisma.refreshToken.update({ where: hash, data: { createdAt: new Date(Date.now() - 2 * 3_600_000) } });
    const idle = await refresh(client, String(tokens.refresh_token));
    expect(await idle.json()).toEqual({ error: 'invalid_grant', error_description: 'the refresh token expired' });

    const fresh = await obtainTokens(stack, { scope: 'openid offline_access', client });
    const freshHash = { tokenHash: sha256Hex(String(fresh.tokens.refresh_token)) };
    await stack.db.prisma.refreshToken.update({ where: freshHash, data: { expiresAt: new Date(Date.now() - 1000) } });
    const absolute = await refresh(client, String(fresh.tokens.refresh_token));
    expect(await absolute.json()).toEqual({ error: 'invalid_grant', error_description: 'the refresh token expired' });
  });

  it('answers a missing refresh_token with invalid_request', async () => {
    const client = await stack.addClient();
    const response = await tokenRequest(stack, client, { grant_type: 'refresh_token' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: 'missing required parameter: refresh_token' });
  });
});

describe.each(testProviders(process.env))('client credentials grant RFC6749 §4.4 (%s)', (provider) => {
  let stack: WorkerStack;
  beforeAll(async () => {
    stack = await startWorkerStack(provider);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('issues an access token and dex v0’s ID token with sub = aud = client id', async () => {
    const client = await stack.addClient();
    const response = await tokenRequest(stack, client, { grant_type: 'client_credentials', scope: 'openid' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, string>;
    expect(body.refresh_token).toBeUndefined();
    expect(body.token_type).toBe('Bearer');
    const { payload } = await jwtVerify(body.id_token ?? '', createRemoteJWKSet(new URL(`${stack.issuer}/keys`)), {
      issuer: stack.issuer,
      audience: client.id,
    });
    expect(payload.sub).toBe(client.id);
    expect(payload.name).toBe(client.id);
  });

  it('refuses public clients and unknown scopes', async () => {
    const publicClient = await stack.addClient({ public: true, name: 'CLI', redirectUris: [] });
    const refused = await tokenRequest(stack, null, { grant_type: 'client_credentials', client_id: publicClient.id });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: string }).error).toBe('invalid_client');
    const client = await stack.addClient();
    const scoped = await tokenRequest(stack, client, { grant_type: 'client_credentials', scope: 'openid admin' });
    expect(await scoped.json()).toEqual({ error: 'invalid_scope', error_description: 'unsupported scope for client_credentials: admin' });
  });
});
