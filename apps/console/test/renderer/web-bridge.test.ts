import { describe, expect, it } from 'vitest';
import { createWebBridge, WEB_PROFILE_ID, WEB_SECRET_STORAGE_KEY } from '../../src/renderer/bridge/web-bridge.ts';

const ORIGIN = 'https://dex-admin.example.com';
const SECRET = 'dGhlLWFkbWluLXNlY3JldA==';
const STATE = { AdminUserCreated: true, clients: 1, users: 2, connectors: 1, database: 'postgresql', version: '0.1.0' };

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

/** A stand-in for the same-origin admin API: answers by path, refuses other secrets. */
function fakeAdminApi(options: { isDown?: boolean } = {}) {
  const requests: { url: string; authorization: string | null }[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const authorization = new Headers(init?.headers).get('authorization');
    requests.push({ url, authorization });
    if (options.isDown === true) throw new TypeError('Failed to fetch');
    const json = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (authorization !== SECRET) return json(401, { code: 'UNAUTHORIZED', message: 'invalid admin API secret' });
    if (url === `${ORIGIN}/api/v1/state`) return json(200, STATE);
    if (url.startsWith(`${ORIGIN}/api/v1/clients`)) return json(200, { items: [], total: 0, nextCursor: null });
    return json(404, { code: 'NOT_FOUND', message: 'no route' });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

describe('web bridge', () => {
  it('checks the secret with GET /api/v1/state on the page’s origin, then keeps it in sessionStorage only', async () => {
    const storage = memoryStorage();
    const api = fakeAdminApi();
    const bridge = createWebBridge({ origin: ORIGIN, storage, fetch: api.fetch });
    expect(bridge.kind).toBe('web');
    expect(bridge.profiles).toBeUndefined();
    expect(await bridge.connection.current()).toEqual({ ok: true, data: null });

    const connected = await bridge.connection.connect({ profileId: WEB_PROFILE_ID, secret: SECRET });
    expect(connected).toEqual({
      ok: true,
      data: { profile: { id: WEB_PROFILE_ID, name: 'dex-admin.example.com', baseUrl: ORIGIN }, state: STATE },
    });
    expect(api.requests).toEqual([{ url: `${ORIGIN}/api/v1/state`, authorization: SECRET }]);
    expect(storage.items.get(WEB_SECRET_STORAGE_KEY)).toBe(SECRET);

    expect(await bridge.clients.list({ q: 'shop', limit: 10 })).toEqual({ ok: true, data: { items: [], total: 0, nextCursor: null } });
    expect(api.requests.at(-1)).toEqual({ url: `${ORIGIN}/api/v1/clients?q=shop&limit=10`, authorization: SECRET });
    expect((await bridge.connection.current()).ok).toBe(true);

    expect(await bridge.connection.disconnect()).toEqual({ ok: true, data: undefined });
    expect(storage.items.size).toBe(0);
    expect(await bridge.clients.list()).toEqual({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: 'not signed in: enter the admin API secret' },
    });
  });

  it('refuses a wrong secret with a clear message and stores nothing', async () => {
    const storage = memoryStorage();
    const bridge = createWebBridge({ origin: ORIGIN, storage, fetch: fakeAdminApi().fetch });
    const result = await bridge.connection.connect({ profileId: WEB_PROFILE_ID, secret: 'wrong' });
    expect(result).toEqual({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: `the admin API at ${ORIGIN} refused the admin secret (invalid admin API secret)` },
    });
    expect(storage.items.size).toBe(0);
    expect(await bridge.connection.connect({ profileId: WEB_PROFILE_ID, secret: '  ' })).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'enter the admin API secret' },
    });
  });

  it('says the overlord cannot be reached, and forgets a secret the overlord no longer accepts', async () => {
    const storage = memoryStorage();
    storage.setItem(WEB_SECRET_STORAGE_KEY, SECRET);
    const down = createWebBridge({ origin: ORIGIN, storage, fetch: fakeAdminApi({ isDown: true }).fetch });
    expect(await down.connection.current()).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: `cannot reach the admin API at ${ORIGIN}: Failed to fetch` },
    });
    expect(storage.items.get(WEB_SECRET_STORAGE_KEY)).toBe(SECRET);

    storage.setItem(WEB_SECRET_STORAGE_KEY, 'an-old-secret');
    const up = createWebBridge({ origin: ORIGIN, storage, fetch: fakeAdminApi().fetch });
    expect(await up.connection.current()).toEqual({ ok: true, data: null });
    expect(storage.items.size).toBe(0);
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
