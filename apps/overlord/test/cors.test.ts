import { type ListeningServer, listenOn } from '@dex/shared/http';
import { testProviders } from '@dex/shared/testing';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corsFor } from '../src/admin-api/cors.ts';
import { type AdminHarness, startAdminHarness } from './admin-harness.ts';

const CONSOLE = 'https://console.example.com';
const LOCAL_CONSOLE = 'http://127.0.0.1:5173';

/** The CORS headers of a response, plus Vary and the status, in one comparable object. */
function corsHeaders(response: Response): Record<string, string | number | null> {
  const pick = (name: string) => response.headers.get(name);
  return {
    status: response.status,
    vary: pick('vary'),
    allowOrigin: pick('access-control-allow-origin'),
    allowMethods: pick('access-control-allow-methods'),
    allowHeaders: pick('access-control-allow-headers'),
    maxAge: pick('access-control-max-age'),
    exposeHeaders: pick('access-control-expose-headers'),
    allowCredentials: pick('access-control-allow-credentials'),
  };
}

const NONE = {
  vary: null,
  allowOrigin: null,
  allowMethods: null,
  allowHeaders: null,
  maxAge: null,
  exposeHeaders: null,
  allowCredentials: null,
};
const PREFLIGHT = {
  allowMethods: 'GET, POST, PUT, PATCH, DELETE',
  allowHeaders: 'Authorization, Content-Type',
  maxAge: '600',
};

describe('corsFor', () => {
  let server: ListeningServer;
  let base: string;

  beforeAll(async () => {
    const app = express();
    // One app, three mounts: off (no origins), on, and on behind a handler that already set Vary.
    app.use('/off', corsFor([]));
    app.use('/on', corsFor([CONSOLE, LOCAL_CONSOLE]));
    app.use(
      '/vary',
      (_req, res, next) => {
        res.vary('Accept-Encoding');
        next();
      },
      corsFor([CONSOLE]),
    );
    app.all('/{*rest}', (_req, res) => {
      res.status(418).json({ reached: 'handler' });
    });
    server = await listenOn({ listen: new URL('http://127.0.0.1:0'), handler: app });
    base = server.url.origin;
  });
  afterAll(async () => {
    await server?.close();
  });

  const request = (path: string, init: { method?: string; origin?: string; preflight?: boolean } = {}) => {
    const headers = new Headers();
    if (init.origin !== undefined) headers.set('origin', init.origin);
    if (init.preflight === true) {
      headers.set('access-control-request-method', 'PATCH');
      headers.set('access-control-request-headers', 'authorization, content-type');
    }
    return fetch(`${base}${path}`, { method: init.method ?? 'GET', headers });
  };

  it('does nothing without origins (the default): no CORS headers, no Vary, preflights pass through', async () => {
    expect(corsHeaders(await request('/off/x', { origin: CONSOLE }))).toEqual({ status: 418, ...NONE });
    expect(corsHeaders(await request('/off/x', { method: 'OPTIONS', origin: CONSOLE, preflight: true }))).toEqual({
      status: 418,
      ...NONE,
    });
  });

  it('echoes an allowed origin, exposes Location, varies on Origin and never allows credentials', async () => {
    for (const origin of [CONSOLE, LOCAL_CONSOLE]) {
      const response = await request('/on/x', { origin });
      expect(corsHeaders(response)).toEqual({ ...NONE, status: 418, vary: 'Origin', allowOrigin: origin, exposeHeaders: 'Location' });
      expect(await response.json()).toEqual({ reached: 'handler' });
    }
  });

  it('answers an allowed preflight itself with 204 and an empty body', async () => {
    const response = await request('/on/api/v1/users/x', { method: 'OPTIONS', origin: CONSOLE, preflight: true });
    expect(corsHeaders(response)).toEqual({ ...NONE, ...PREFLIGHT, status: 204, vary: 'Origin', allowOrigin: CONSOLE });
    expect(await response.text()).toBe('');
  });

  it.each([
    ['another site', 'https://evil.example.com'],
    ['a suffix attack', `${CONSOLE}.evil.example.com`],
    ['another scheme', 'http://console.example.com'],
    ['another port', 'https://console.example.com:8443'],
    ['other letter case', 'https://CONSOLE.example.com'],
    ['the opaque origin', 'null'],
  ])('gives %s no CORS headers, only Vary, and lets its preflight through', async (_name, origin) => {
    expect(corsHeaders(await request('/on/x', { origin }))).toEqual({ ...NONE, status: 418, vary: 'Origin' });
    expect(corsHeaders(await request('/on/x', { method: 'OPTIONS', origin, preflight: true }))).toEqual({
      ...NONE,
      status: 418,
      vary: 'Origin',
    });
  });

  it('gives requests without Origin only Vary, and treats an OPTIONS without Access-Control-Request-Method as a plain request', async () => {
    expect(corsHeaders(await request('/on/x'))).toEqual({ ...NONE, status: 418, vary: 'Origin' });
    expect(corsHeaders(await request('/on/x', { method: 'OPTIONS', origin: CONSOLE }))).toEqual({
      ...NONE,
      status: 418,
      vary: 'Origin',
      allowOrigin: CONSOLE,
      exposeHeaders: 'Location',
    });
  });

  it('adds Origin to an existing Vary', async () => {
    expect((await request('/vary/x', { origin: CONSOLE })).headers.get('vary')).toBe('Accept-Encoding, Origin');
  });

  it.each([
    ['*', 0],
    ['https://console.example.com/', 0],
    ['https://console.example.com/admin', 0],
    ['console.example.com', 0],
    ['https://console.example.com:443', 1],
  ])('refuses %j as an origin, naming its index', (origin, index) => {
    const origins = index === 0 ? [origin] : [CONSOLE, origin];
    expect(() => corsFor(origins)).toThrow(
      new TypeError(`consoleOrigins[${index}] must be an origin such as https://console.example.com (scheme, host and port only)`),
    );
  });
});

describe.each(testProviders(process.env))('CORS on the admin API (%s)', (provider) => {
  let withCors: AdminHarness;
  let withoutCors: AdminHarness;
  beforeAll(async () => {
    [withCors, withoutCors] = await Promise.all([startAdminHarness(provider, { consoleOrigins: [CONSOLE] }), startAdminHarness(provider)]);
  });
  afterAll(async () => {
    await Promise.all([withCors?.stop(), withoutCors?.stop()]);
  });

  const preflight = (harness: AdminHarness) =>
    harness.call('/api/v1/users', {
      method: 'OPTIONS',
      secret: null,
      headers: { origin: CONSOLE, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });

  it('answers preflights for a configured console before the admin secret check', async () => {
    expect(corsHeaders(await preflight(withCors))).toEqual({ ...NONE, ...PREFLIGHT, status: 204, vary: 'Origin', allowOrigin: CONSOLE });
  });

  it('lets the console read answers, errors included', async () => {
    const ok = await withCors.call('/api/v1/state', { headers: { origin: CONSOLE } });
    expect(corsHeaders(ok)).toMatchObject({ status: 200, vary: 'Origin', allowOrigin: CONSOLE, allowCredentials: null });
    const refused = await withCors.call('/api/v1/state', { secret: null, headers: { origin: CONSOLE } });
    expect(corsHeaders(refused)).toMatchObject({ status: 401, allowOrigin: CONSOLE });
    expect(await refused.json()).toEqual({ code: 'UNAUTHORIZED', message: 'missing or wrong admin API secret' });
    const health = await withCors.call('/health', { secret: null, headers: { origin: 'https://evil.example.com' } });
    expect(corsHeaders(health)).toMatchObject({ status: 200, allowOrigin: null });
  });

  it('is off by default: preflights meet the admin secret check and get no CORS headers', async () => {
    const response = await preflight(withoutCors);
    expect(corsHeaders(response)).toEqual({ ...NONE, status: 401 });
    expect(await response.json()).toEqual({ code: 'UNAUTHORIZED', message: 'missing or wrong admin API secret' });
  });
});
