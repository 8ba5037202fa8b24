import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, loginForCode, type TestClient, tokenRequest } from '../support/flows.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

const INVALID_CLIENT = { error: 'invalid_client', error_description: 'client authentication failed' };

/**
 * Public clients (RFC 6749 §2.1, RFC 8252): they have no secret, authenticate with their
 * client_id alone (also as HTTP Basic with an empty password, which golang.org/x/oauth2's
 * auto-detection sends first), and may vary a loopback redirect URI in its port only.
 */
describe.each(testProviders(process.env))('public clients RFC6749 §2.1, RFC8252 §7.3 (%s)', (provider) => {
  let stack: WorkerStack;
  beforeAll(async () => {
    stack = await startWorkerStack(provider);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const exchange = async (client: TestClient, auth: 'basic' | 'form', secret: string) => {
    const { verifier, callback } = await loginForCode(stack, { client, scope: 'openid' });
    const form = {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      code_verifier: verifier,
      redirect_uri: client.redirectUri,
    };
    return auth === 'basic'
      ? tokenRequest(stack, { ...client, secret }, form)
      : tokenRequest(stack, null, { ...form, client_id: client.id, client_secret: secret });
  };

  it('has no secret, and redeems a code with Basic and an empty password as with an empty client_secret', async () => {
    const client = await stack.addClient({ public: true, name: 'CLI', redirectUris: ['http://127.0.0.1:5555/callback'] });
    expect(client.secret).toBe('');
    const stored = await stack.db.prisma.client.findUniqueOrThrow({ where: { id: client.id } });
    expect(stored.secretHash).toBeNull();
    const basic = await exchange(client, 'basic', '');
    expect(basic.status).toBe(200);
    expect(((await basic.json()) as { id_token?: string }).id_token).toBeTruthy();
    const form = await exchange(client, 'form', '');
    expect(form.status).toBe(200);
    // Any secret is wrong: a public client has none.
    const withSecret = await exchange(client, 'basic', 'a-secret-it-never-had');
    expect(withSecret.status).toBe(401);
    expect(await withSecret.json()).toEqual(INVALID_CLIENT);
  });

  it('refuses a confidential client that sends an empty secret, in Basic or in the form', async () => {
    const client = await stack.addClient();
    for (const auth of ['basic', 'form'] as const) {
      const response = await exchange(client, auth, '');
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic/);
      expect(await response.json()).toEqual(INVALID_CLIENT);
    }
    const refresh = await fetch(`${stack.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth({ id: client.id, secret: '' }) },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    expect(refresh.status).toBe(401);
  });

  const authorize = (client: TestClient, redirectUri: string) => {
    const url = new URL(`${stack.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: client.id,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    return fetch(url, { redirect: 'manual' });
  };

  it('lets a loopback redirect URI vary in the port only', async () => {
    const client = await stack.addClient({
      public: true,
      name: 'Desktop',
      redirectUris: ['http://127.0.0.1:5555/callback', 'http://[::1]/cb?app=1', 'http://localhost:8000/done'],
    });
    for (const uri of ['http://127.0.0.1:49152/callback', 'http://[::1]:61000/cb?app=1', 'http://localhost:1234/done']) {
      const response = await authorize(client, uri);
      expect(response.status, uri).toBe(302);
      expect(response.headers.get('location'), uri).toContain('/dex/auth/local/login');
    }
    for (const uri of [
      'http://127.0.0.1:49152/other',
      'http://127.0.0.1:49152/callback?x=1',
      'http://user:pw@127.0.0.1:49152/callback',
      'http://127.0.0.1:49152/callback/',
      'http://[::1]:61000/cb',
      'http://localhost:1234/done?app=1',
      'http://127.0.0.1:49152/a/../callback',
      'https://127.0.0.1:49152/callback',
    ]) {
      const response = await authorize(client, uri);
      expect(response.status, uri).toBe(400);
      expect(await response.text(), uri).toContain('redirect_uri is not registered for this client');
    }
  });

  it('gives a confidential client no port leeway on loopback', async () => {
    const client = await stack.addClient({ redirectUris: ['http://127.0.0.1:5555/callback'] });
    const response = await authorize(client, 'http://127.0.0.1:5556/callback');
    expect(response.status).toBe(400);
  });
});
