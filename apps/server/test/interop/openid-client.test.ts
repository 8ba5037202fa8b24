import * as oidc from 'openid-client';
import { createDatabase } from '@dex/shared/db';
import { createClient } from '@dex/shared/domain/clients';
import { setConnectorConfigs } from '@dex/shared/domain/connectors';
import {
  createTestDatabase,
  type Service,
  freePort,
  startDexProcess,
  type TestDatabase,
  testProviders,
  testSecrets,
} from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walkLogin } from '@dex/shared/testing';
import { codeFlowUrl } from '../support/relying-party.ts';

/**
 * Interop: a certified relying-party library we did not write (openid-client) runs the
 * whole code flow with PKCE, state and nonce against a live overlord and worker, each
 * started as its own process from the repository's bins.
 */
describe.each(testProviders(process.env))('openid-client against a live overlord and worker (%s)', (provider) => {
  let database: TestDatabase;
  let overlord: Service | undefined;
  let worker: Service | undefined;
  let issuer: string;
  let adminUrl: string;
  const secrets = testSecrets();
  const redirectUri = 'http://127.0.0.1:5555/callback';

  beforeAll(async () => {
    database = await createTestDatabase(provider, { pgUrl: process.env.DEX_TEST_PG_URL, migrate: false });
    const [adminPort, workerPort] = [await freePort(), await freePort()];
    adminUrl = `http://127.0.0.1:${adminPort}`;
    issuer = `http://127.0.0.1:${workerPort}/dex`;
    const common = ['--db-url', database.url, '--key-secrets', secrets.keySecretText];
    overlord = await startDexProcess(
      'overlord',
      [...common, '--admin-listen', adminUrl, '--admin-api-secret', secrets.adminApiSecret],
      'admin API listening',
    );
    worker = await startDexProcess(
      'worker',
      [...common, '--listen', `http://127.0.0.1:${workerPort}`, '--issuer', issuer],
      'worker listening',
    );
  });

  afterAll(async () => {
    await worker?.stop();
    await overlord?.stop();
    await database?.drop();
  });

  it('logs a user created through the admin API in and verifies the ID token', async () => {
    const email = `alice-${provider}@example.com`;
    const created = await fetch(`${adminUrl}/api/v1/admin`, {
      method: 'POST',
      headers: { authorization: secrets.adminApiSecret, 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'wonderland-42' }),
    });
    expect(created.status).toBe(200);
    const admin = (await created.json()) as { id: string; email: string };
    expect(admin).toEqual({ id: expect.any(String), email });

    const db = await createDatabase({ url: database.url });
    const { client, secret } = await createClient(db.prisma, { redirectUris: [redirectUri], name: 'interop', trusted: true });
    await setConnectorConfigs(db.prisma, [{ type: 'local', id: 'local' }]);
    await db.close();

    const config = await oidc.discovery(new URL(issuer), client.id, secret ?? undefined, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const { url: authorizationUrl, verifier } = await codeFlowUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      state,
      nonce,
    });

    const walk = await walkLogin(authorizationUrl.href, { login: email, password: 'wonderland-42' });
    expect(walk.status, walk.body.slice(0, 600)).toBe(302);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(walk.location ?? ''), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    expect(claims).toMatchObject({ iss: issuer, sub: admin.id, aud: client.id, nonce, email, email_verified: false });
    expect(typeof claims?.exp).toBe('number');
    expect(typeof claims?.iat).toBe('number');
    expect(tokens.token_type).toBe('bearer');
  });

  it('refuses the admin API with a wrong secret (401)', async () => {
    const response = await fetch(`${adminUrl}/api/v1/admin`, {
      method: 'POST',
      headers: { authorization: 'Bearer not-the-secret', 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'mallory@example.com', password: 'whatever-1' }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ code: 'UNAUTHORIZED', message: 'missing or wrong admin API secret' });
  });
});
