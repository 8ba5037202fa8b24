import { describe, expect, it } from 'vitest';
import { createWebBridge, WEB_PROFILE_ID } from '../../src/renderer/bridge/web-bridge.ts';

const ORIGIN = 'https://dex-admin.example.com';
const SECRET = 'dGhlLWFkbWluLXNlY3JldA==';
const CSRF = 'csrf-of-the-session';
const STATE = { AdminUserCreated: true, clients: 1, users: 2, connectors: 1, database: 'postgresql', version: '0.1.0' };

/**
 * A stand-in for the same-origin admin API with the overlord's session rules: the secret is
 * taken once by POST /api/v1/session, which "sets the cookie" (the browser would keep it);
 * every other call relies on that cookie, and changes need the CSRF token.
 */
function fakeAdminApi(options: { isDown?: boolean; hasSession?: boolean } = {}) {
  let hasCookie = options.hasSession === true;
  const requests: { method: string; url: string; authorization: string | null; csrf: string | null; body?: string }[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    const headers = new Headers(init?.headers);
    requests.push({
      method,
      url,
      authorization: headers.get('authorization'),
      csrf: headers.get('x-csrf-token'),
      ...(typeof init?.body === 'string' ? { body: init.body } : {}),
    });
    if (options.isDown === true) throw new TypeError('Failed to fetch');
    const json = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    const session = { actor: 'break-glass', expiresAt: '2026-01-10T12:00:00.000Z', csrfToken: CSRF };
    if (url === `${ORIGIN}/api/v1/session` && method === 'POST') {
      if ((JSON.parse(String(init?.body)) as { secret: string }).secret !== SECRET) {
        return json(401, { code: 'UNAUTHORIZED', message: 'wrong admin API secret' });
      }
      hasCookie = true;
      return json(201, session);
    }
    if (!hasCookie) return json(401, { code: 'UNAUTHORIZED', message: 'not signed in' });
    if (url === `${ORIGIN}/api/v1/session` && method === 'DELETE') {
      hasCookie = false;
      return new Response(null, { status: 204 });
    }
    if (method !== 'GET' && headers.get('x-csrf-token') !== CSRF) return json(403, { code: 'FORBIDDEN', message: 'no CSRF token' });
    if (url === `${ORIGIN}/api/v1/session`) return json(200, session);
    if (url === `${ORIGIN}/api/v1/state`) return json(200, STATE);
    if (url.startsWith(`${ORIGIN}/api/v1/clients`)) return json(200, { items: [], total: 0, nextCursor: null });
    if (url === `${ORIGIN}/api/v1/users/u1/disable`) return json(404, { code: 'NOT_FOUND', message: 'user u1 not found' });
    return json(404, { code: 'NOT_FOUND', message: 'no route' });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

describe('web bridge', () => {
  it('sends the secret once, for a session cookie, then never again; changes carry the CSRF token', async () => {
    const api = fakeAdminApi();
    const bridge = createWebBridge({ origin: ORIGIN, fetch: api.fetch });
    expect(bridge.kind).toBe('web');
    expect(bridge.profiles).toBeUndefined();
    expect(await bridge.connection.current()).toEqual({ ok: true, data: null });

    const connected = await bridge.connection.connect({ profileId: WEB_PROFILE_ID, secret: SECRET });
    expect(connected).toEqual({
      ok: true,
      data: { profile: { id: WEB_PROFILE_ID, name: 'dex-admin.example.com', baseUrl: ORIGIN }, state: STATE, signedInAs: 'break-glass' },
    });
    expect(await bridge.clients.list({ q: 'shop', limit: 10 })).toEqual({ ok: true, data: { items: [], total: 0, nextCursor: null } });
    expect((await bridge.users.disable('u1')).ok).toBe(false);

    // The secret went out once, in the sign-in body; no request carried it as a header.
    expect(api.requests.filter((request) => request.body?.includes(SECRET) === true).map((r) => `${r.method} ${r.url}`)).toEqual([
      `POST ${ORIGIN}/api/v1/session`,
    ]);
    expect(api.requests.every((request) => request.authorization === null)).toBe(true);
    expect(api.requests.find((request) => request.url.endsWith('/disable'))?.csrf).toBe(CSRF);
    expect(api.requests.find((request) => request.url.includes('/clients'))?.csrf).toBeNull();

    expect(await bridge.connection.disconnect()).toEqual({ ok: true, data: undefined });
    expect(await bridge.clients.list()).toEqual({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: 'not signed in: enter the admin API secret' },
    });
    expect(await bridge.connection.current()).toEqual({ ok: true, data: null });
  });

  it('finds the session again after a reload (a new bridge, the cookie still there)', async () => {
    const api = fakeAdminApi({ hasSession: true });
    const bridge = createWebBridge({ origin: ORIGIN, fetch: api.fetch });
    expect((await bridge.connection.current()).ok).toBe(true);
    expect(await bridge.users.disable('u1')).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'user u1 not found' } });
  });

  it('refuses a wrong secret with a clear message', async () => {
    const bridge = createWebBridge({ origin: ORIGIN, fetch: fakeAdminApi().fetch });
    const result = await bridge.connection.connect({ profileId: WEB_PROFILE_ID, secret: 'wrong' });
    expect(result).toEqual({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: `the admin API at ${ORIGIN} refused the admin secret (wrong admin API secret)` },
    });
    expect(await bridge.connection.connect({ profileId: WEB_PROFILE_ID, secret: '  ' })).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'enter the admin API secret' },
    });
  });

  it('says the overlord cannot be reached', async () => {
    const down = createWebBridge({ origin: ORIGIN, fetch: fakeAdminApi({ isDown: true }).fetch });
    expect(await down.connection.current()).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: `cannot reach the admin API at ${ORIGIN}: Failed to fetch` },
    });
  });
});

describe('chooseBridge', () => {
  it('uses the bridge the Electron preload exposed, else the web bridge of the page’s origin', async () => {
    const { chooseBridge } = await import('../../src/renderer/bridge/choose-bridge.ts');
    const desktop = { kind: 'desktop', connection: {} };
    Reflect.set(window, 'consoleApi', desktop);
    try {
      expect(chooseBridge(window)).toBe(desktop);
    } finally {
      Reflect.deleteProperty(window, 'consoleApi');
    }
    const web = chooseBridge(window);
    expect(web.kind).toBe('web');
    expect(web.profiles).toBeUndefined();
  });
});
