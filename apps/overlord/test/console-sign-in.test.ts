import { setConnectorConfigs } from '@dex/shared/domain/connectors';
import { createUser } from '@dex/shared/domain/users';
import { freePort, type Service, startDexProcess, testProviders, walkLogin } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminHarness, startAdminHarness } from './admin-harness.ts';

/** The cookies a response sets, as `name=value` pairs for the next request. */
const setCookies = (response: Response): Map<string, string> =>
  new Map(
    response.headers.getSetCookie().map((line) => {
      const pair = line.split(';')[0] ?? '';
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );

// Each sign-in is its own flow with its own cookies: the tests, and the two stores, run side by side.
describe.concurrent.each(testProviders(process.env))(
  '"Sign in with dex": the console signs admins in through the worker (%s)',
  (provider) => {
    let harness: AdminHarness;
    let worker: Service;
    let issuer: string;
    const admin = { email: `ann-${provider}@example.com`, password: 'correct horse battery' };
    const user = { email: `bob-${provider}@example.com`, password: 'just a user here' };

    beforeAll(async () => {
      const port = await freePort();
      issuer = `http://127.0.0.1:${port}/dex`;
      harness = await startAdminHarness(provider, { consoleIssuer: new URL(issuer) });
      const { prisma } = harness.overlord.db;
      await setConnectorConfigs(prisma, [{ type: 'local', id: 'local' }]);
      await createUser(prisma, { ...admin, admin: true, localConnectorId: 'local' });
      await createUser(prisma, { ...user, localConnectorId: 'local' });
      const args = [
        '--db-url',
        harness.dbUrl,
        '--key-secrets',
        harness.keySecretText,
        '--listen',
        `http://127.0.0.1:${port}`,
        '--issuer',
        issuer,
      ];
      worker = await startDexProcess('worker', args, 'worker listening');
    }, 90_000);
    afterAll(async () => {
      await worker?.stop();
      await harness?.stop();
    });

    /** Starts a sign-in as the console's button does, logs in at the worker, and lands on the callback. */
    const signInAs = async (credentials: { email: string; password: string }) => {
      const start = await harness.call('/console/sign-in', { secret: null, redirect: 'manual' });
      expect(start.status).toBe(303);
      const flowCookie = start.headers.getSetCookie()[0] ?? '';
      expect(flowCookie).toMatch(/^dex_console_signin=[A-Za-z0-9_-]{43}; Max-Age=600; Path=\/console\/callback; .*HttpOnly; SameSite=Lax$/);
      const auth = new URL(start.headers.get('location') ?? '');
      expect(`${auth.origin}${auth.pathname}`).toBe(`${issuer}/auth`);
      expect(auth.searchParams.get('client_id')).toBe('dex-console');
      expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
      expect(auth.searchParams.get('redirect_uri')).toBe(`${harness.overlord.adminUrl.origin}/console/callback`);
      const walk = await walkLogin(auth.href, { login: credentials.email, password: credentials.password });
      const back = new URL(walk.location ?? '', issuer);
      expect(`${back.origin}${back.pathname}`).toBe(`${harness.overlord.adminUrl.origin}/console/callback`);
      const callback = await fetch(back, { redirect: 'manual', headers: { cookie: flowCookie.split(';')[0] ?? '' } });
      return { callback, back, flowCookie: flowCookie.split(';')[0] ?? '' };
    };

    it('signs an admin user in: the overlord holds the session, and the audit log names the admin', async () => {
      const { callback } = await signInAs(admin);
      expect(callback.status).toBe(303);
      expect(callback.headers.get('location')).toBe('/console/');
      const sessionLine = callback.headers.getSetCookie().find((line) => line.startsWith('dex_console_session=')) ?? '';
      expect(sessionLine).toMatch(/; HttpOnly/);
      expect(sessionLine).toMatch(/; SameSite=Strict/);
      // No token reaches the browser: only the session cookie and the cleared flow cookie.
      expect([...setCookies(callback).keys()].sort()).toEqual(['dex_console_session', 'dex_console_signin']);
      expect(await callback.text()).not.toMatch(/eyJ/);
      const cookie = `dex_console_session=${setCookies(callback).get('dex_console_session')}`;

      const session = await harness.json('/api/v1/session', { secret: null, headers: { cookie } });
      expect(session).toMatchObject({ status: 200, body: { actor: admin.email } });
      const { csrfToken } = session.body as { csrfToken: string };
      const made = await harness.call('/api/v1/clients', {
        method: 'POST',
        secret: null,
        headers: { cookie, 'x-csrf-token': csrfToken },
        body: JSON.stringify({ redirectUris: ['https://app.example.com/cb'], name: 'Made by Ann' }),
      });
      expect(made.status).toBe(201);
      const { client } = (await made.json()) as { client: { id: string } };
      const audit = await harness.json('/api/v1/audit?limit=100');
      const events = (audit.body as { items: { actor: string; action: string; targetId: string }[] }).items;
      expect(events).toContainEqual(expect.objectContaining({ actor: admin.email, action: 'console.sign-in' }));
      expect(events).toContainEqual(expect.objectContaining({ actor: admin.email, action: 'client.create', targetId: client.id }));
    });

    it('refuses a user who is not an admin with a readable page, and opens no session', async () => {
      const { callback } = await signInAs(user);
      expect(callback.status).toBe(403);
      expect(callback.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await callback.text()).toContain(`${user.email} is not an admin of this dex`);
      expect(setCookies(callback).get('dex_console_session')).toBeUndefined();
    });

    it('refuses a callback from another browser, a forged state and a replayed code', async () => {
      const { back, callback, flowCookie } = await signInAs(admin);
      expect(callback.status).toBe(303);
      // The same code again, with the flow cookie: the worker redeems a code once.
      const replay = await fetch(back, { redirect: 'manual', headers: { cookie: flowCookie } });
      expect(replay.status).toBe(502);
      expect(await replay.text()).toContain('the dex worker refused the sign-in code (invalid_grant)');
      // Without the flow cookie (the link opened in another browser).
      const elsewhere = await fetch(back, { redirect: 'manual' });
      expect(elsewhere.status).toBe(400);
      expect(await elsewhere.text()).toContain('This sign-in was not started in this browser');
      // A state that is not the flow's.
      const forged = new URL(back);
      forged.searchParams.set('state', 'forged');
      const wrongState = await fetch(forged, { redirect: 'manual', headers: { cookie: flowCookie } });
      expect(wrongState.status).toBe(400);
      expect(await wrongState.text()).toContain('does not belong to this sign-in');
    });

    it('provisions the console clients once: the web client confidential, the desktop client public', async () => {
      const { prisma } = harness.overlord.db;
      const clients = await prisma.client.findMany({ where: { id: { startsWith: 'dex-console' } }, include: { redirectUris: true } });
      expect(clients.map((c) => [c.id, c.public, c.trusted, c.secretHash === null, c.redirectUris.map((r) => r.uri)]).sort()).toEqual([
        ['dex-console', false, true, false, [`${harness.overlord.adminUrl.origin}/console/callback`]],
        ['dex-console-desktop', true, true, true, []],
      ]);
    });
  },
);

describe('"Sign in with dex" without --console-issuer', () => {
  let harness: AdminHarness;
  beforeAll(async () => {
    harness = await startAdminHarness('sqlite');
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it('says how to set it up, and that the break-glass sign-in remains', async () => {
    const response = await harness.call('/console/sign-in', { secret: null, redirect: 'manual' });
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('This overlord runs without --console-issuer');
  });
});
