import { createRemoteJWKSet, jwtVerify } from 'jose';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeUrl, obtainTokens } from '../support/flows.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

/** The claims about the user in a token response: the ID token's (minus the JWT's own) and userinfo's. */
const TOKEN_CLAIMS = ['iss', 'aud', 'iat', 'exp', 'auth_time', 'nonce', 'at_hash', 'sub'];

describe.each(testProviders(process.env))('scopes and claims OIDC Core §5.4 (%s)', (provider) => {
  let stack: WorkerStack;

  beforeAll(async () => {
    stack = await startWorkerStack(provider);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function claimsFor(scope: string) {
    const { client, user, tokens } = await obtainTokens(stack, { scope });
    const { payload } = await jwtVerify(String(tokens.id_token), createRemoteJWKSet(new URL(`${stack.issuer}/keys`)), {
      issuer: stack.issuer,
      audience: client.id,
    });
    const idToken = Object.fromEntries(Object.entries(payload).filter(([name]) => !TOKEN_CLAIMS.includes(name)));
    const response = await fetch(`${stack.issuer}/userinfo`, { headers: { authorization: `Bearer ${String(tokens.access_token)}` } });
    expect(response.status).toBe(200);
    const { sub, ...userinfo } = (await response.json()) as Record<string, unknown>;
    expect(sub).toBe(user.id);
    return { user, idToken, userinfo, granted: String(tokens.scope) };
  }

  it('ignores scopes it does not know (address, phone, an application’s own) and leaves them out of the grant', async () => {
    const { granted, idToken } = await claimsFor('openid address phone email api:read');
    expect(granted).toBe('openid email');
    expect(Object.keys(idToken).sort()).toEqual(['email', 'email_verified']);
  });

  it("still requires 'openid'", async () => {
    const url = authorizeUrl(stack, await stack.addClient(), { scope: 'profile phone', state: 's1' });
    const location = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('invalid_scope');
    expect(location.searchParams.get('error_description')).toBe("the scope must include 'openid'");
    expect(location.searchParams.get('state')).toBe('s1');
  });

  it('releases no user claims for scope=openid alone, in the ID token or at userinfo', async () => {
    const { idToken, userinfo } = await claimsFor('openid');
    expect(idToken).toEqual({});
    expect(userinfo).toEqual({});
  });

  it('releases email and email_verified with email', async () => {
    const { user, idToken, userinfo } = await claimsFor('openid email');
    expect(idToken).toEqual({ email: user.email, email_verified: true });
    expect(userinfo).toEqual(idToken);
  });

  it('releases name and preferred_username with profile', async () => {
    const { user, idToken, userinfo } = await claimsFor('openid profile');
    expect(idToken).toEqual({ name: user.displayName, preferred_username: user.email });
    expect(userinfo).toEqual(idToken);
  });

  it('releases groups with groups (none from the local connector)', async () => {
    const { idToken, userinfo } = await claimsFor('openid groups');
    expect(idToken).toEqual({ groups: [] });
    expect(userinfo).toEqual({ groups: [] });
  });

  it('lists every claim it can release in claims_supported, and only known scopes in scopes_supported', async () => {
    const metadata = (await (await fetch(`${stack.issuer}/.well-known/openid-configuration`)).json()) as Record<string, string[]>;
    for (const claim of ['sub', 'name', 'preferred_username', 'email', 'email_verified', 'groups']) {
      expect(metadata.claims_supported).toContain(claim);
    }
    expect(metadata.scopes_supported).toEqual(['openid', 'profile', 'email', 'offline_access', 'groups']);
  });
});
