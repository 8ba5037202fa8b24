import { listLoginEvents } from '@dex/shared/domain/login-events';
import { testProviders, walkLogin } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../support/browser.ts';
import { authorizeUrl, pkcePair, tokenRequest } from '../support/flows.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

/**
 * The worker's login events as the console's Events screen shows them: what happened at the
 * login (success, failure with its reason, lockout, logout), for which user, client and
 * address; and a login goes on when its event cannot be written.
 */
describe.each(testProviders(process.env))('login events (%s)', (provider) => {
  let stack: WorkerStack;
  let client: { id: string; secret: string; redirectUri: string };
  let authUrl: string;

  beforeAll(async () => {
    stack = await startWorkerStack(provider, {
      trustedProxies: ['127.0.0.1'],
      loginLimits: { perAccount: 2, perAddress: 50, windowMs: 60_000 },
    });
    client = await stack.addClient();
    authUrl = `${stack.issuer}/auth?${new URLSearchParams({ client_id: client.id, response_type: 'code', scope: 'openid email', redirect_uri: client.redirectUri })}`;
  });
  afterAll(() => stack?.stop());

  const from = (address: string) => ({ 'x-forwarded-for': address });
  const eventsOf = async (email: string) =>
    (await listLoginEvents(stack.db.prisma, { limit: 20, email })).events.map(
      ({ type, reason, userId, connectorId, clientId, clientAddress }) => ({
        type,
        reason,
        userId,
        connectorId,
        clientId,
        clientAddress,
      }),
    );

  it('records a failed login with its reason, the lockout it causes, and a successful login with the user', async () => {
    const user = await stack.addUser();
    for (let i = 0; i < 2; i++)
      expect((await walkLogin(authUrl, { login: user.email, password: 'wrong' }, from('203.0.113.9'))).status).toBe(401);
    expect((await walkLogin(authUrl, { login: user.email, password: user.password }, from('203.0.113.9'))).status).toBe(429);
    expect((await walkLogin(authUrl, { login: user.email, password: user.password }, from('203.0.113.10'))).status).toBe(302);

    const at = (address: string) => ({ connectorId: 'local', clientId: client.id, clientAddress: address });
    expect(await eventsOf(user.email)).toEqual([
      { type: 'success', reason: null, userId: user.id, ...at('203.0.113.10') },
      { type: 'failure', reason: 'rate_limited', userId: null, ...at('203.0.113.9') },
      { type: 'lockout', reason: 'too_many_failures', userId: null, ...at('203.0.113.9') },
      { type: 'failure', reason: 'invalid_credentials', userId: null, ...at('203.0.113.9') },
      { type: 'failure', reason: 'invalid_credentials', userId: null, ...at('203.0.113.9') },
    ]);
  });

  it('records a disabled account’s refused login and an unknown login as typed', async () => {
    const disabled = await stack.addUser({ disabled: true });
    await walkLogin(authUrl, { login: disabled.email, password: disabled.password }, from('203.0.113.11'));
    expect(await eventsOf(disabled.email)).toEqual([
      { type: 'failure', reason: 'disabled', userId: null, connectorId: 'local', clientId: client.id, clientAddress: '203.0.113.11' },
    ]);
    await walkLogin(authUrl, { login: 'Nobody@Example.com', password: 'guess' }, from('203.0.113.11'));
    expect((await eventsOf('nobody@example.com')).map((event) => event.reason)).toEqual(['invalid_credentials']);
  });

  it('records the logout of the browser’s session with its user and client', async () => {
    const user = await stack.addUser();
    const browser = new TestBrowser(stack.issuer);
    const { challenge, verifier } = pkcePair();
    const page = await browser.follow(authorizeUrl(stack, client, { code_challenge: challenge, code_challenge_method: 'S256' }));
    const done = await browser.submitLogin(
      { url: page.url, html: await page.response.text() },
      { login: user.email, password: user.password },
    );
    const tokens = await tokenRequest(stack, client, {
      grant_type: 'authorization_code',
      code: done.location?.searchParams.get('code') ?? '',
      code_verifier: verifier,
      redirect_uri: client.redirectUri,
    });
    const idToken = ((await tokens.json()) as Record<string, string>).id_token ?? '';
    const out = await browser.request(`${stack.issuer}/logout?${new URLSearchParams({ id_token_hint: idToken })}`);
    expect(out.status).toBe(200);
    const events = await eventsOf(user.email);
    expect(events.map((event) => event.type)).toEqual(['logout', 'success']);
    expect(events[0]).toMatchObject({ userId: user.id, connectorId: 'local', clientId: client.id });
  });

  it('lets the login through when its event cannot be written, and counts the drop', async () => {
    const user = await stack.addUser();
    await stack.db.prisma.$executeRawUnsafe('DROP TABLE login_events');
    const walk = await walkLogin(authUrl, { login: user.email, password: user.password });
    expect(walk.status).toBe(302);
    expect(new URL(walk.location ?? '').searchParams.get('code')).toBeTruthy();
    const metrics = await (await fetch(`${stack.issuer}/metrics`)).text();
    expect(metrics).toMatch(/dex_login_events_dropped_total\{type="success"\} 1/);
  });
});
