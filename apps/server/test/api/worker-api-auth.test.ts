import { setTimeout as sleep } from 'node:timers/promises';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { obtainTokens, type TestClient, tokenRequest } from '../support/flows.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

/** A worker API v1 call with a Bearer token: the status and the JSON body (null when empty). */
async function api(stack: WorkerStack, path: string, token: string, init: { method?: string; body?: unknown } = {}) {
  const response = await fetch(`${stack.issuer}/api/v1/${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : (JSON.parse(text) as Record<string, unknown>) };
}

async function makeAdminClient(stack: WorkerStack): Promise<TestClient> {
  const client = await stack.addClient();
  await stack.db.prisma.client.update({ where: { id: client.id }, data: { admin: true } });
  return client;
}

/** A user logged in through `client` (made an admin first when `admin`), and their ID token. */
async function idTokenOf(stack: WorkerStack, client: TestClient, options: { admin?: boolean; scope?: string } = {}) {
  const user = await stack.addUser();
  if (options.admin) await stack.db.prisma.user.update({ where: { id: user.id }, data: { admin: true } });
  const { tokens } = await obtainTokens(stack, { client, user, scope: options.scope ?? 'openid email' });
  return { user, idToken: String(tokens.id_token), tokens };
}

describe.each(testProviders(process.env))('worker API v1: ID-token authentication (v0 §2.14, §10.6) (%s)', (provider) => {
  let stack: WorkerStack;
  let adminClient: TestClient;
  let plainClient: TestClient;
  beforeAll(async () => {
    stack = await startWorkerStack(provider);
    adminClient = await makeAdminClient(stack);
    plainClient = await stack.addClient();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("serves an admin user's ID token issued to an admin client", async () => {
    const { user, idToken } = await idTokenOf(stack, adminClient, { admin: true });
    const read = await api(stack, `users/${user.id}`, idToken);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ user: { id: user.id, email: user.email, admin: true } });
    // Changes are audited under the admin's email.
    const created = await api(stack, 'users', idToken, { method: 'POST', body: { user: { email: `made-${Date.now()}@example.com` } } });
    expect(created.status).toBe(201);
    const event = await stack.db.prisma.auditEvent.findFirst({
      where: { action: 'user.create', targetId: created.body === null ? '' : (created.body.user as { id: string }).id },
    });
    expect(event?.actor).toBe(user.email);
    // v0's CreateUser honours `disabled`: such a user cannot log in until enabled.
    const disabled = await api(stack, 'users', idToken, {
      method: 'POST',
      body: { user: { email: `off-${Date.now()}@example.com`, disabled: true } },
    });
    expect(disabled.status).toBe(201);
    expect(disabled.body?.user).toMatchObject({ disabled: true });
  });

  it("refuses a non-admin user's ID token with 401 unauthorized, even through an admin client", async () => {
    const { idToken } = await idTokenOf(stack, adminClient);
    expect(await api(stack, 'users', idToken)).toEqual({
      status: 401,
      body: { error: 'unauthorized', error_description: 'the user is not an admin' },
    });
  });

  it("refuses an admin user's ID token issued to a client that is not an admin client with 403 forbidden", async () => {
    const { idToken } = await idTokenOf(stack, plainClient, { admin: true });
    expect(await api(stack, 'users', idToken)).toEqual({
      status: 403,
      body: { error: 'forbidden', error_description: `client ${plainClient.id} is not an admin client` },
    });
  });

  it('refuses the ID token of a user disabled since, with 401 unauthorized', async () => {
    const { user, idToken } = await idTokenOf(stack, adminClient, { admin: true });
    expect((await api(stack, 'users', idToken)).status).toBe(200);
    await stack.db.prisma.user.update({ where: { id: user.id }, data: { disabled: true } });
    expect(await api(stack, 'users', idToken)).toEqual({
      status: 401,
      body: { error: 'unauthorized', error_description: 'the user is disabled' },
    });
  });

  it('refuses a forged or garbled token with 401 unauthorized and a Bearer challenge', async () => {
    const { idToken } = await idTokenOf(stack, adminClient, { admin: true });
    const [header, payload] = idToken.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')}.${idToken.split('.')[2]}`;
    for (const token of [forged, 'not-a-token', `${idToken}x`]) {
      const response = await fetch(`${stack.issuer}/api/v1/users`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="dex"/);
      expect(((await response.json()) as { error: string }).error).toBe('unauthorized');
    }
  });

  it("does not take a client's client-credentials ID token without --api-use-client-credentials", async () => {
    const response = await tokenRequest(stack, adminClient, { grant_type: 'client_credentials' });
    const tokens = (await response.json()) as { access_token: string; id_token: string };
    // Its access token is how an admin client authenticates (dexctl --endpoint) ...
    expect((await api(stack, 'users', tokens.access_token)).status).toBe(200);
    // ... its ID token (v0's way) only with the flag.
    expect(await api(stack, 'users', tokens.id_token)).toEqual({
      status: 401,
      body: { error: 'unauthorized', error_description: 'the token is not a user’s' },
    });
  });
});

describe.each(testProviders(process.env))('worker API v1: short-lived tokens and --api-use-client-credentials (%s)', (provider) => {
  let stack: WorkerStack;
  let adminClient: TestClient;
  beforeAll(async () => {
    stack = await startWorkerStack(provider, { idTokenTtlMs: 2_000, apiUseClientCredentials: true });
    adminClient = await makeAdminClient(stack);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses an expired ID token with 401 unauthorized', async () => {
    const { idToken } = await idTokenOf(stack, adminClient, { admin: true });
    const exp = (JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString()) as { exp: number }).exp;
    await sleep(Math.max(0, exp * 1000 - Date.now()) + 50);
    expect(await api(stack, 'users', idToken)).toEqual({
      status: 401,
      body: { error: 'unauthorized', error_description: 'the ID token has expired' },
    });
  });

  it("takes an admin client's client-credentials ID token as the client, and refuses another client's with 403", async () => {
    const ownToken = async (client: TestClient) => {
      const response = await tokenRequest(stack, client, { grant_type: 'client_credentials' });
      return ((await response.json()) as { id_token: string }).id_token;
    };
    const listed = await api(stack, 'clients', await ownToken(adminClient));
    expect(listed.status).toBe(200);
    expect((listed.body === null ? [] : (listed.body.clients as { id: string }[])).map((c) => c.id)).toContain(adminClient.id);
    const plain = await stack.addClient();
    expect(await api(stack, 'clients', await ownToken(plain))).toEqual({
      status: 403,
      body: { error: 'forbidden', error_description: `client ${plain.id} is not an admin client` },
    });
  });
});
