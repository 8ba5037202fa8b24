import { randomBytes } from 'node:crypto';
import { deleteConnector, type TConnectorConfig } from '@dex/shared/domain/connectors';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../support/browser.ts';
import { obtainTokens, pkcePair, readHealth, type TestClient, tokenRequest, userinfoStatus } from '../support/flows.ts';
import { startUpstreamProvider, type UpstreamProvider } from '../support/upstream-provider.ts';
import { walkUpstream } from '../support/upstream-walk.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

const RP_ORIGIN = 'http://127.0.0.1:5555';

describe.each(testProviders(process.env))('refresh after the login’s connector was deleted (%s)', (provider) => {
  let stack: WorkerStack;
  let upstream: UpstreamProvider;
  const clientSecret = randomBytes(24).toString('base64url');

  beforeAll(async () => {
    stack = await startWorkerStack(provider, { enableAutomaticRegistration: true });
    upstream = await startUpstreamProvider({
      clients: [{ clientId: 'dex-worker', clientSecret, redirectUris: [`${stack.issuer}/auth/corp/callback`] }],
      accounts: { olga: { email: 'olga@upstream.example', email_verified: true, name: 'olga', groups: ['admins'] } },
    });
    await stack.setConnectors([
      { type: 'local', id: 'local' },
      {
        type: 'oidc',
        id: 'corp',
        issuerURL: upstream.issuer,
        clientID: 'dex-worker',
        clientSecret,
        scopes: ['openid', 'email', 'profile', 'groups'],
        groupsClaim: 'groups',
        offlineAccess: true,
      } as TConnectorConfig,
    ]);
    await waitForConnector('corp', true);
  });
  afterAll(async () => {
    await upstream?.stop();
    await stack?.stop();
  });

  /** Waits until the worker's connector list (as /health shows it) has, or no longer has, `id`. */
  async function waitForConnector(id: string, present: boolean): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (((await readHealth(stack)).checks[`connector:${id}`] !== undefined) !== present) {
      if (Date.now() > deadline) throw new Error(`connector ${id} did not ${present ? 'load' : 'go away'}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const refresh = (client: TestClient, token: string) => tokenRequest(stack, client, { grant_type: 'refresh_token', refresh_token: token });

  async function upstreamLogin(): Promise<{ client: TestClient; tokens: Record<string, string> }> {
    const client = await stack.addClient();
    upstream.loginAs = 'olga';
    const { verifier, challenge } = pkcePair();
    const auth = new URL(`${stack.issuer}/auth`);
    auth.search = new URLSearchParams({
      client_id: client.id,
      redirect_uri: client.redirectUri,
      response_type: 'code',
      scope: 'openid email groups offline_access',
      state: 'rp-state',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      connector_id: 'corp',
    }).toString();
    const flow = await walkUpstream(new TestBrowser(stack.issuer), auth, RP_ORIGIN);
    const response = await tokenRequest(stack, client, {
      grant_type: 'authorization_code',
      code: flow.location?.searchParams.get('code') ?? '',
      code_verifier: verifier,
      redirect_uri: client.redirectUri,
    });
    expect(response.status).toBe(200);
    return { client, tokens: (await response.json()) as Record<string, string> };
  }

  it('an upstream connector deleted by an admin ends its users’ refreshes: invalid_grant, family and access token revoked', async () => {
    const { client, tokens } = await upstreamLogin();
    // Still there: the refresh works and rotates.
    const first = await refresh(client, tokens.refresh_token ?? '');
    expect(first.status).toBe(200);
    const rotated = (await first.json()) as Record<string, string>;

    await deleteConnector(stack.db.prisma, { id: 'corp' });
    await waitForConnector('corp', false);
    const afterDelete = await refresh(client, rotated.refresh_token ?? '');
    expect(afterDelete.status).toBe(400);
    expect(await afterDelete.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'the identity provider "corp" this login came from was removed',
    });
    // The family is revoked, not just refused once; its latest access token is dead too.
    const again = await refresh(client, rotated.refresh_token ?? '');
    expect(await again.json()).toEqual({ error: 'invalid_grant', error_description: 'the refresh token is invalid' });
    expect(await userinfoStatus(stack, rotated.access_token ?? '')).toBe(401);
  });

  it('the local connector can be deleted too, and then its users’ refresh tokens stop working (runs last)', async () => {
    const { client, tokens } = await obtainTokens(stack, { scope: 'openid offline_access' });
    await deleteConnector(stack.db.prisma, { id: 'local' });
    await waitForConnector('local', false);
    const response = await refresh(client, String(tokens.refresh_token));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'the identity provider "local" this login came from was removed',
    });
    expect(await userinfoStatus(stack, String(tokens.access_token))).toBe(401);
  });
});
