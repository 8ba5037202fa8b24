import * as oidc from 'openid-client';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { obtainTokens, tokenRequest } from '../support/flows.ts';
import { postForm, tooManyParams } from '../support/form-post.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

/** The RFC 6750 §3 challenge of an error response. */
const challenge = (error: string, description: string) => `Bearer realm="dex", error="${error}", error_description="${description}"`;

describe.each(testProviders(process.env))('userinfo OIDC Core §5.3 (%s)', (provider) => {
  let stack: WorkerStack;
  let userinfoUrl: string;
  beforeAll(async () => {
    stack = await startWorkerStack(provider);
    userinfoUrl = `${stack.issuer}/userinfo`;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  /** Asserts an RFC 6750 §3 error: status, challenge and JSON body. */
  async function expectBearerError(response: Response, status: number, error: string, description: string): Promise<void> {
    expect(response.status).toBe(status);
    expect(response.headers.get('www-authenticate')).toBe(challenge(error, description));
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ error, error_description: description });
  }

  it('is announced in discovery', async () => {
    const metadata = (await (await fetch(`${stack.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(metadata.userinfo_endpoint).toBe(userinfoUrl);
  });

  it('answers a GET with a Bearer header with the claims of the granted scopes, uncached', async () => {
    const { user, tokens } = await obtainTokens(stack, { scope: 'openid email profile' });
    const response = await fetch(userinfoUrl, { headers: bearer(String(tokens.access_token)) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      sub: user.id,
      name: user.displayName,
      preferred_username: user.email,
      email: user.email,
      email_verified: true,
    });
  });

  it('releases name and preferred_username only with profile, email only with email (§5.4)', async () => {
    const bare = await obtainTokens(stack, { scope: 'openid' });
    const onlySub = await fetch(userinfoUrl, { headers: bearer(String(bare.tokens.access_token)) });
    expect(await onlySub.json()).toEqual({ sub: bare.user.id });
    const withEmail = await obtainTokens(stack, { scope: 'openid email' });
    const emailOnly = await fetch(userinfoUrl, { headers: bearer(String(withEmail.tokens.access_token)) });
    expect(await emailOnly.json()).toEqual({ sub: withEmail.user.id, email: withEmail.user.email, email_verified: true });
    const withProfile = await obtainTokens(stack, { scope: 'openid profile' });
    const nameOnly = await fetch(userinfoUrl, { headers: bearer(String(withProfile.tokens.access_token)) });
    expect(await nameOnly.json()).toEqual({
      sub: withProfile.user.id,
      name: withProfile.user.displayName,
      preferred_username: withProfile.user.email,
    });
  });

  it('answers a POST with a Bearer header and no body', async () => {
    const { user, tokens } = await obtainTokens(stack, { scope: 'openid' });
    const response = await fetch(userinfoUrl, { method: 'POST', headers: bearer(String(tokens.access_token)) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: user.id });
  });

  it('answers a form POST with the access_token in the body (RFC 6750 §2.2)', async () => {
    const { user, tokens } = await obtainTokens(stack, { scope: 'openid email' });
    const response = await postForm(userinfoUrl, null, { access_token: String(tokens.access_token) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: user.id, email: user.email, email_verified: true });
  });

  it('answers a request without a token with the bare challenge and no error code (RFC 6750 §3.1)', async () => {
    for (const response of [
      await fetch(userinfoUrl),
      await fetch(userinfoUrl, { method: 'POST' }),
      await fetch(userinfoUrl, { headers: { authorization: 'Basic Zm9vOmJhcg==' } }),
      await fetch(`${userinfoUrl}?access_token=whatever`),
      await fetch(userinfoUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"access_token":"x"}' }),
    ]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="dex"');
      expect(await response.text()).toBe('');
    }
  });

  it('refuses a token that does not verify with invalid_token', async () => {
    const { tokens } = await obtainTokens(stack, { scope: 'openid' });
    const token = String(tokens.access_token);
    const tampered = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    for (const bad of [tampered, 'not-a-jwt', String(tokens.id_token)]) {
      const response = await fetch(userinfoUrl, { headers: bearer(bad) });
      await expectBearerError(response, 401, 'invalid_token', 'the access token is invalid or expired');
    }
  });

  it('refuses the token of a disabled user with invalid_token', async () => {
    const { user, tokens } = await obtainTokens(stack, { scope: 'openid' });
    await stack.db.prisma.user.update({ where: { id: user.id }, data: { disabled: true } });
    const response = await fetch(userinfoUrl, { headers: bearer(String(tokens.access_token)) });
    await expectBearerError(response, 401, 'invalid_token', 'the access token was revoked, or its user is unknown or disabled');
  });

  it('refuses a client-credentials token (no user) with invalid_token', async () => {
    const client = await stack.addClient();
    const grant = (await (await tokenRequest(stack, client, { grant_type: 'client_credentials' })).json()) as Record<string, string>;
    const response = await fetch(userinfoUrl, { headers: bearer(grant.access_token ?? '') });
    await expectBearerError(response, 401, 'invalid_token', 'the access token was issued to a client, not to a user');
  });

  it('refuses a token without the openid scope with insufficient_scope (RFC 6750 §3.1)', async () => {
    const { client, tokens } = await obtainTokens(stack, { scope: 'openid offline_access' });
    const narrowed = await tokenRequest(stack, client, {
      grant_type: 'refresh_token',
      refresh_token: String(tokens.refresh_token),
      scope: 'offline_access',
    });
    const body = (await narrowed.json()) as Record<string, string>;
    expect(body.scope).toBe('offline_access');
    const response = await fetch(userinfoUrl, { headers: bearer(body.access_token ?? '') });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe(
      `${challenge('insufficient_scope', "the access token lacks the 'openid' scope")}, scope="openid"`,
    );
    expect(await response.json()).toEqual({ error: 'insufficient_scope', error_description: "the access token lacks the 'openid' scope" });
  });

  it('refuses a token given both in the header and in the body with invalid_request', async () => {
    const { tokens } = await obtainTokens(stack, { scope: 'openid' });
    const token = String(tokens.access_token);
    const response = await postForm(userinfoUrl, null, { access_token: token }, bearer(token));
    await expectBearerError(
      response,
      400,
      'invalid_request',
      'the access token was given both in the Authorization header and in the body',
    );
  });

  it('answers malformed requests with invalid_request, never a server error', async () => {
    const { tokens } = await obtainTokens(stack, { scope: 'openid' });
    const token = String(tokens.access_token);
    for (const header of ['Bearer', 'Bearer a b', 'bearer "quoted"']) {
      const response = await fetch(userinfoUrl, { headers: { authorization: header } });
      await expectBearerError(response, 400, 'invalid_request', 'malformed Bearer authorization header');
    }
    const repeated = await postForm(
      userinfoUrl,
      null,
      new URLSearchParams([
        ['access_token', token],
        ['access_token', token],
      ]),
    );
    await expectBearerError(repeated, 400, 'invalid_request', 'parameter access_token was given more than once');
    const huge = await postForm(userinfoUrl, null, { access_token: 'x'.repeat(40_000) });
    await expectBearerError(huge, 413, 'invalid_request', 'request body too large');
    const many = await postForm(userinfoUrl, null, tooManyParams({ access_token: token }));
    await expectBearerError(many, 400, 'invalid_request', 'too many parameters');
    const latin1 = await postForm(
      userinfoUrl,
      null,
      { access_token: token },
      { 'content-type': 'application/x-www-form-urlencoded; charset=koi8-r' },
    );
    await expectBearerError(latin1, 415, 'invalid_request', 'unsupported body charset');
  });

  it('answers other methods with 405 and Allow', async () => {
    const response = await fetch(userinfoUrl, { method: 'PUT' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      error_description: 'method PUT is not allowed here; use GET, HEAD, POST or OPTIONS',
    });
  });

  it('serves openid-client’s fetchUserInfo, which checks the subject', async () => {
    const { client, user, tokens } = await obtainTokens(stack, { scope: 'openid email profile' });
    const config = await oidc.discovery(new URL(stack.issuer), client.id, client.secret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const claims = await oidc.fetchUserInfo(config, String(tokens.access_token), user.id);
    expect(claims).toEqual({
      sub: user.id,
      name: user.displayName,
      preferred_username: user.email,
      email: user.email,
      email_verified: true,
    });
    await expect(oidc.fetchUserInfo(config, String(tokens.access_token), 'someone-else')).rejects.toThrow(
      'unexpected JSON attribute value encountered',
    );
    const refused = await oidc.fetchUserInfo(config, 'not-a-jwt', user.id).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(oidc.WWWAuthenticateChallengeError);
    const [first] = (refused as oidc.WWWAuthenticateChallengeError).cause;
    expect(first?.scheme).toBe('bearer');
    expect(first?.parameters.error).toBe('invalid_token');
  });
});
