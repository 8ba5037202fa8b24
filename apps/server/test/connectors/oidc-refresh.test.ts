import { randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { TConnectorConfig } from '@dex/shared/domain/connectors';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../support/browser.ts';
import { pkcePair, readHealth, type TestClient, tokenRequest, userinfoStatus } from '../support/flows.ts';
import { startUpstreamProvider, type UpstreamAccount, type UpstreamProvider } from '../support/upstream-provider.ts';
import { walkUpstream } from '../support/upstream-walk.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

const RP_ORIGIN = 'http://127.0.0.1:5555';
const UPSTREAM_CLIENT_ID = 'dex-worker';
const account = (name: string, groups: string[]): UpstreamAccount => ({
  email: `${name}@upstream.example`,
  email_verified: true,
  name,
  groups,
});

interface Tokens {
  id_token: string;
  access_token: string;
  refresh_token: string;
}

describe.each(testProviders(process.env))('groups on refresh: the OIDC connector redeems the upstream refresh token (%s)', (provider) => {
  let stack: WorkerStack;
  let upstream: UpstreamProvider;
  const clientSecret = randomBytes(24).toString('base64url');

  beforeAll(async () => {
    // The reuse window of production (a few seconds), for the concurrent refreshes.
    stack = await startWorkerStack(provider, { enableAutomaticRegistration: true, refreshTokenReuseIntervalMs: 5_000 });
    upstream = await startUpstreamProvider({
      clients: [
        {
          clientId: UPSTREAM_CLIENT_ID,
          clientSecret,
          redirectUris: ['up-offline', 'up-online'].map((id) => `${stack.issuer}/auth/${id}/callback`),
        },
      ],
      accounts: {
        ivan: account('ivan', ['admins', 'developers']),
        judy: account('judy', ['developers']),
        kim: account('kim', ['developers']),
        leo: account('leo', ['developers']),
        mia: account('mia', ['developers']),
        ned: account('ned', ['developers']),
      },
    });
    const connector = (id: string, extra: Record<string, unknown>) =>
      ({
        type: 'oidc',
        id,
        issuerURL: upstream.issuer,
        clientID: UPSTREAM_CLIENT_ID,
        clientSecret,
        scopes: ['openid', 'email', 'profile', 'groups'],
        groupsClaim: 'groups',
        ...extra,
      }) as TConnectorConfig;
    await stack.setConnectors([connector('up-offline', { offlineAccess: true }), connector('up-online', {})]);
    const deadline = Date.now() + 20_000;
    while ((await readHealth(stack)).checks['connector:up-online'] === undefined) {
      if (Date.now() > deadline) throw new Error('the oidc connectors did not load');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  afterAll(async () => {
    await upstream?.stop();
    await stack?.stop();
  });

  /** Logs `name` in upstream through `connectorId` with `groups offline_access`, and redeems the code. */
  async function login(connectorId: string, name: string): Promise<{ client: TestClient; tokens: Tokens }> {
    const client = await stack.addClient();
    upstream.loginAs = name;
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
      connector_id: connectorId,
    }).toString();
    const flow = await walkUpstream(new TestBrowser(stack.issuer), auth, RP_ORIGIN);
    const code = flow.location?.searchParams.get('code') ?? '';
    expect(code, 'the relying party got a code').not.toBe('');
    const response = await tokenRequest(stack, client, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: client.redirectUri,
    });
    expect(response.status).toBe(200);
    return { client, tokens: (await response.json()) as Tokens };
  }

  const refresh = (client: TestClient, refreshToken: string) =>
    tokenRequest(stack, client, { grant_type: 'refresh_token', refresh_token: refreshToken });

  async function groupsOf(idToken: string): Promise<string[]> {
    const { payload } = await jwtVerify(idToken, createRemoteJWKSet(new URL(`${stack.issuer}/keys`)), { issuer: stack.issuer });
    return [...((payload.groups as string[] | undefined) ?? [])].sort();
  }

  async function expectInvalidGrant(response: Response): Promise<void> {
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_grant');
  }

  it('changed groups upstream reach the ID token and userinfo at the next refresh, refresh after refresh', async () => {
    const { client, tokens } = await login('up-offline', 'ivan');
    expect(await groupsOf(tokens.id_token)).toEqual(['admins', 'developers']);
    // The upstream refresh token is stored sealed, never in clear.
    const stored = await stack.db.prisma.offlineSession.findFirst({ where: { connectorId: 'up-offline' } });
    expect(stored?.connectorData).toBeTruthy();
    expect(stored?.connectorData).not.toContain('refreshToken');

    upstream.setAccount('ivan', account('ivan', ['developers', 'ops']));
    const before = upstream.refreshes;
    const first = await refresh(client, tokens.refresh_token);
    expect(first.status).toBe(200);
    const next = (await first.json()) as Tokens;
    expect(await groupsOf(next.id_token)).toEqual(['developers', 'ops']);
    expect(upstream.refreshes - before, 'the upstream was asked').toBe(1);
    const userinfo = await fetch(`${stack.issuer}/userinfo`, { headers: { authorization: `Bearer ${next.access_token}` } });
    expect(((await userinfo.json()) as { groups?: string[] }).groups?.sort()).toEqual(['developers', 'ops']);

    // Again: the upstream refresh token it got back (rotated or not) works too.
    upstream.setAccount('ivan', account('ivan', ['ops']));
    const second = await refresh(client, next.refresh_token);
    expect(second.status).toBe(200);
    expect(await groupsOf(((await second.json()) as Tokens).id_token)).toEqual(['ops']);
  });

  it('a revoked upstream refresh token ends the session: invalid_grant, the family and its access token revoked', async () => {
    const { client, tokens } = await login('up-offline', 'judy');
    await upstream.revokeGrantsOf('judy');
    await expectInvalidGrant(await refresh(client, tokens.refresh_token));
    await expectInvalidGrant(await refresh(client, tokens.refresh_token));
    expect(await userinfoStatus(stack, tokens.access_token)).toBe(401);
  });

  it('an account removed upstream loses the refresh', async () => {
    const { client, tokens } = await login('up-offline', 'kim');
    upstream.setAccount('kim', undefined);
    await expectInvalidGrant(await refresh(client, tokens.refresh_token));
  });

  it('two concurrent refreshes of one token both succeed and ask the upstream once', async () => {
    const { client, tokens } = await login('up-offline', 'leo');
    const before = upstream.refreshes;
    const answers = await Promise.all([refresh(client, tokens.refresh_token), refresh(client, tokens.refresh_token)]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    for (const answer of answers) expect(await groupsOf(((await answer.json()) as Tokens).id_token)).toEqual(['developers']);
    expect(upstream.refreshes - before).toBe(1);
  });

  it('without offlineAccess in the connector config, no upstream refresh token is asked for: refreshes keep the login groups', async () => {
    const { client, tokens } = await login('up-online', 'mia');
    upstream.setAccount('mia', account('mia', ['ops']));
    const before = upstream.refreshes;
    const response = await refresh(client, tokens.refresh_token);
    expect(response.status).toBe(200);
    expect(await groupsOf(((await response.json()) as Tokens).id_token)).toEqual(['developers']);
    expect(upstream.refreshes).toBe(before);
  });

  it('an unreachable upstream answers 503 temporarily_unavailable (runs last: stops the upstream)', async () => {
    const { client, tokens } = await login('up-offline', 'ned');
    await upstream.stop();
    const response = await refresh(client, tokens.refresh_token);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: string }).error).toBe('temporarily_unavailable');
    // The token was not spent: nothing of its family is rotated or revoked.
    const user = await stack.db.prisma.user.findUnique({ where: { email: 'ned@upstream.example' } });
    const tokensOfUser = await stack.db.prisma.refreshToken.findMany({ where: { userId: user?.id ?? '' } });
    expect(tokensOfUser.map((row) => [row.rotatedAt, row.revokedAt])).toEqual([[null, null]]);
  });
});
