import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWorkerConfig } from '../../src/env.ts';
import { basicAuth } from '../support/flows.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

const SPA = 'https://spa.example.com';
const OTHER_SPA = 'http://127.0.0.1:4200';
const EVIL = 'https://evil.example';
const ALLOWED = 'https://allowed.example';

/** What a browser sends before a cross-origin POST with a form or an Authorization header. */
function preflight(url: string, origin: string | undefined, method = 'POST', headers = 'authorization, content-type'): Promise<Response> {
  return fetch(url, {
    method: 'OPTIONS',
    headers: {
      ...(origin === undefined ? {} : { origin }),
      'access-control-request-method': method,
      'access-control-request-headers': headers,
    },
  });
}

function corsHeaders(response: Response): Record<string, string | null> {
  return {
    allowOrigin: response.headers.get('access-control-allow-origin'),
    allowMethods: response.headers.get('access-control-allow-methods'),
    allowCredentials: response.headers.get('access-control-allow-credentials'),
  };
}

/** A token request as a browser app sends it: a form, from its origin. */
function tokenFrom(stack: WorkerStack, origin: string, form: Record<string, string>, authorization?: string): Promise<Response> {
  return fetch(`${stack.issuer}/token`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
    body: new URLSearchParams(form),
  });
}

describe.each(testProviders(process.env))('CORS for browser apps, from client redirect URIs (%s)', (provider) => {
  let stack: WorkerStack;
  let spa: { id: string };
  let other: { id: string; secret: string };
  beforeAll(async () => {
    stack = await startWorkerStack(provider);
    spa = await stack.addClient({ redirectUris: [`${SPA}/callback`, `${SPA}/silent-renew`], public: true, name: 'spa' });
    other = await stack.addClient({ redirectUris: [`${OTHER_SPA}/cb`] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers a preflight from a client web origin with 204, the methods, the headers and how long to keep it', async () => {
    const response = await preflight(`${stack.issuer}/token`, SPA);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(corsHeaders(response)).toEqual({ allowOrigin: SPA, allowMethods: 'POST', allowCredentials: null });
    expect(response.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type');
    expect(response.headers.get('access-control-max-age')).toBe('600');
    expect(response.headers.get('vary')).toBe('Origin');
    expect(response.headers.get('allow')).toBe('POST, OPTIONS');
  });

  it('gives an origin no client registered no CORS header at all, preflight or request', async () => {
    for (const path of ['/token', '/userinfo', '/keys', '/.well-known/openid-configuration', '/token/revoke', '/token/introspect']) {
      const response = await preflight(`${stack.issuer}${path}`, EVIL, path === '/keys' || path.startsWith('/.well') ? 'GET' : 'POST');
      expect(response.status, path).toBe(204);
      expect(corsHeaders(response), path).toEqual({ allowOrigin: null, allowMethods: null, allowCredentials: null });
      expect(response.headers.get('vary'), path).toBe('Origin');
    }
    const discovery = await fetch(`${stack.issuer}/.well-known/openid-configuration`, { headers: { origin: EVIL } });
    expect(discovery.status).toBe(200);
    expect(discovery.headers.get('access-control-allow-origin')).toBeNull();
    expect(discovery.headers.get('vary')).toBe('Origin');
  });

  it('answers the token endpoint only for the origins of the client the request names', async () => {
    const own = await tokenFrom(stack, SPA, { grant_type: 'refresh_token', refresh_token: 'nope', client_id: spa.id });
    expect(own.status).toBe(400);
    expect(await own.json()).toMatchObject({ error: 'invalid_grant' });
    expect(own.headers.get('access-control-allow-origin')).toBe(SPA);
    expect(own.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate, Retry-After');
    expect(own.headers.get('access-control-allow-credentials')).toBeNull();

    // Another registered client's origin may not read answers given to this client ...
    const foreign = await tokenFrom(stack, OTHER_SPA, { grant_type: 'refresh_token', refresh_token: 'nope', client_id: spa.id });
    expect(foreign.status).toBe(400);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    // ... but may read its own client's, named by Basic credentials, errors with their challenge included.
    const basic = await tokenFrom(stack, OTHER_SPA, { grant_type: 'client_credentials' }, basicAuth(other));
    expect(basic.status).toBe(200);
    expect(basic.headers.get('access-control-allow-origin')).toBe(OTHER_SPA);
    const wrongSecret = await tokenFrom(stack, OTHER_SPA, { grant_type: 'client_credentials' }, basicAuth({ ...other, secret: 'x' }));
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.headers.get('access-control-allow-origin')).toBe(OTHER_SPA);
    expect(wrongSecret.headers.get('www-authenticate')).toMatch(/^Basic /);
    const unnamed = await tokenFrom(stack, SPA, { grant_type: 'client_credentials' });
    expect(unnamed.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves discovery, JWKS and userinfo to any registered client origin', async () => {
    for (const path of ['/.well-known/openid-configuration', '/keys']) {
      const response = await fetch(`${stack.issuer}${path}`, { headers: { origin: OTHER_SPA } });
      expect(response.status, path).toBe(200);
      expect(response.headers.get('access-control-allow-origin'), path).toBe(OTHER_SPA);
    }
    const userinfo = await fetch(`${stack.issuer}/userinfo`, { headers: { origin: SPA, authorization: 'Bearer not-a-token' } });
    expect(userinfo.status).toBe(401);
    expect(userinfo.headers.get('access-control-allow-origin')).toBe(SPA);
    expect(userinfo.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  it('answers OPTIONS without an Origin with 204 and Allow, and leaves the routes without CORS as they were (405)', async () => {
    const plain = await fetch(`${stack.issuer}/keys`, { method: 'OPTIONS' });
    expect(plain.status).toBe(204);
    expect(plain.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
    const withoutMethod = await fetch(`${stack.issuer}/keys`, { method: 'OPTIONS', headers: { origin: SPA } });
    expect(withoutMethod.status).toBe(204);
    expect(withoutMethod.headers.get('access-control-allow-origin')).toBeNull();
    const wrongMethod = await preflight(`${stack.issuer}/keys`, SPA, 'DELETE');
    expect(wrongMethod.headers.get('access-control-allow-origin')).toBeNull();
    for (const path of ['/auth', '/logout', '/health']) {
      const page = await preflight(`${stack.issuer}${path}`, SPA, 'GET');
      expect(page.status, path).toBe(405);
      expect(page.headers.get('allow'), path).not.toContain('OPTIONS');
      expect(page.headers.get('access-control-allow-origin'), path).toBeNull();
    }
  });

  it('learns the origin of a client registered while it runs within about a second', async () => {
    const origin = 'https://new-app.example:8443';
    expect((await preflight(`${stack.issuer}/token`, origin)).headers.get('access-control-allow-origin')).toBeNull();
    await stack.addClient({ redirectUris: [`${origin}/callback`] });
    await expect
      .poll(async () => (await preflight(`${stack.issuer}/token`, origin)).headers.get('access-control-allow-origin'), {
        timeout: 5_000,
        interval: 250,
      })
      .toBe(origin);
  });
});

describe.each(testProviders(process.env))('CORS with --allowed-origins (%s)', (provider) => {
  it('allows the listed origins on every CORS route, whatever client the request names', async () => {
    const stack = await startWorkerStack(provider, { allowedOrigins: [ALLOWED] });
    try {
      const client = await stack.addClient({ redirectUris: ['https://elsewhere.example/cb'] });
      const token = await tokenFrom(stack, ALLOWED, { grant_type: 'client_credentials' }, basicAuth(client));
      expect(token.status).toBe(200);
      expect(token.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      const pre = await preflight(`${stack.issuer}/token/revoke`, ALLOWED);
      expect(corsHeaders(pre)).toEqual({ allowOrigin: ALLOWED, allowMethods: 'POST', allowCredentials: null });
      const keys = await fetch(`${stack.issuer}/keys`, { headers: { origin: EVIL } });
      expect(keys.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await stack.stop();
    }
  });

  it('with "*" answers every origin with *, never with credentials', async () => {
    const stack = await startWorkerStack(provider, { allowedOrigins: ['*'] });
    try {
      const pre = await preflight(`${stack.issuer}/userinfo`, EVIL, 'GET');
      expect(corsHeaders(pre)).toEqual({ allowOrigin: '*', allowMethods: 'GET, HEAD, POST', allowCredentials: null });
      const discovery = await fetch(`${stack.issuer}/.well-known/openid-configuration`, { headers: { origin: EVIL } });
      expect(discovery.headers.get('access-control-allow-origin')).toBe('*');
      expect(discovery.headers.get('access-control-allow-credentials')).toBeNull();
    } finally {
      await stack.stop();
    }
  });
});

describe('--allowed-origins', () => {
  const required = ['--db-url', 'file:./x.db', '--key-secrets', Buffer.alloc(32, 1).toString('base64')];
  const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const invocation = readWorkerConfig([...required, ...argv], env);
    if (invocation.kind !== 'run') throw new Error('expected a run');
    return invocation.config.allowedOrigins;
  };

  it('takes a comma-separated list of origins from the flag or DEX_WORKER_ALLOWED_ORIGINS, none by default', () => {
    expect(parse([])).toEqual([]);
    expect(parse(['--allowed-origins', 'https://a.example, http://127.0.0.1:3000'])).toEqual([
      'https://a.example',
      'http://127.0.0.1:3000',
    ]);
    expect(parse([], { DEX_WORKER_ALLOWED_ORIGINS: 'https://env.example' })).toEqual(['https://env.example']);
    expect(parse(['--allowed-origins', '*'])).toEqual(['*']);
  });

  it('refuses what is not an origin, and "*" next to others, naming the flag', () => {
    for (const [value, message] of [
      ['https://a.example/path', '"https://a.example/path" is not an origin'],
      ['https://A.example', '"https://A.example" is not an origin'],
      ['ftp://a.example', '"ftp://a.example" is not an origin'],
      ['*,https://a.example', '"*" must be given alone'],
    ] as const) {
      expect(() => parse(['--allowed-origins', value])).toThrow(`--allowed-origins: ${message}`);
    }
  });
});
