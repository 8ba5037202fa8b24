import { request } from 'node:http';
import { connect } from 'node:net';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Route } from '../../src/http/router.ts';
import { basicAuth } from '../support/flows.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with node:http, which (unlike fetch) sends a body with any method and any bytes. */
function send(url: string, options: { method: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // Content-Length always, so that a GET or HEAD with a body is still a well-formed message.
    const headers = { 'content-length': String(Buffer.byteLength(options.body ?? '')), ...options.headers };
    const req = request(url, { method: options.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Sends raw bytes on a fresh connection and returns what came back before the server closed it. */
function sendRaw(url: URL, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(Number(url.port), url.hostname, () => socket.write(text));
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
const FORM = 'application/x-www-form-urlencoded';

/** Malformed requests: what a fuzzer, a broken client or an attacker sends. */
const MALFORMED: readonly { name: string; query?: string; headers?: Record<string, string>; body?: string | Buffer }[] = [
  { name: 'truncated JSON', headers: { 'content-type': 'application/json' }, body: '{"json":' },
  { name: 'JSON that is not an object', headers: { 'content-type': 'application/json' }, body: '"\\u0000"' },
  {
    name: 'JSON with a NUL and a lone surrogate',
    headers: { 'content-type': 'application/json' },
    body: '{"redirect_uris":["\\u0000"],"x":"\\ud800"}',
  },
  { name: 'deeply nested JSON', headers: { 'content-type': 'application/json' }, body: `${'['.repeat(5000)}${']'.repeat(5000)}` },
  { name: 'a form declared as text', headers: { 'content-type': 'text/plain' }, body: 'grant_type=client_credentials' },
  { name: 'a multipart body', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x\r\nbroken' },
  { name: 'XML', headers: { 'content-type': 'application/xml' }, body: '<a><b>' },
  { name: 'no content type with a body', body: 'client_id=a' },
  { name: 'a form in UTF-16', headers: { 'content-type': `${FORM}; charset=utf-16` }, body: Buffer.from('a=1', 'utf16le') },
  { name: 'a gzip-encoded form', headers: { 'content-type': FORM, 'content-encoding': 'gzip' }, body: 'not gzip at all' },
  { name: 'form bytes that are not UTF-8', headers: { 'content-type': FORM }, body: Buffer.from([0x61, 0x3d, 0xff, 0xfe, 0x26]) },
  { name: 'percent-encoded bytes that are not UTF-8', headers: { 'content-type': FORM }, body: 'client_id=%FF%FE&state=%E0%A4%A' },
  {
    name: 'duplicate parameters',
    query: 'client_id=a&client_id=b&state=1&state=2',
    headers: { 'content-type': FORM },
    body: 'client_id=a&client_id=b&grant_type=x&grant_type=y&token=1&token=2',
  },
  {
    name: 'NUL bytes everywhere',
    query: 'client_id=%00&state=a%00&nonce=%00&login_hint=%00&redirect_uri=http://x/%00&session=%00',
    headers: { 'content-type': FORM, authorization: `Basic ${Buffer.from('id\u0000:secret\u0000').toString('base64')}` },
    body: 'grant_type=client_credentials&client_id=%00&login=a%00&password=%00&token=%00&code=%00&refresh_token=%00&session=%00',
  },
  { name: 'an over-long value', query: `state=${'s'.repeat(9000)}`, headers: { 'content-type': FORM }, body: `code=${'c'.repeat(9000)}` },
  { name: 'an oversized body', headers: { 'content-type': FORM }, body: `a=${'x'.repeat(64 * 1024)}` },
  { name: 'too many parameters', headers: { 'content-type': FORM }, body: Array.from({ length: 150 }, (_, i) => `p${i}=1`).join('&') },
];

/** A concrete path below each prefix route: a real connector page, a real worker API endpoint. */
const PREFIX_EXAMPLES: Readonly<Record<string, string>> = { '/auth/*': 'local/login', '/api/v1/*': 'clients' };

/** A concrete path for each route of the table. */
function examplePath(path: string): string {
  return path.endsWith('/*') ? `${path.slice(0, -1)}${PREFIX_EXAMPLES[path] ?? ''}` : path;
}

/** What "a standard error body" is: OAuth JSON, the error page, or RFC 6750's bare challenge. */
function expectStandardError(answer: Answer, method: string, what: string): void {
  expect(answer.status, what).toBeGreaterThanOrEqual(400);
  expect(answer.status, what).toBeLessThan(500);
  if (method === 'HEAD') return;
  const type = String(answer.headers['content-type'] ?? '');
  if (answer.body === '') {
    expect(answer.status, `${what}: only a bare Bearer challenge may be empty`).toBe(401);
    expect(String(answer.headers['www-authenticate']), what).toMatch(/^Bearer realm=/);
    return;
  }
  if (type.startsWith('application/json')) {
    const body = JSON.parse(answer.body) as { error?: unknown; error_description?: unknown };
    expect(typeof body.error, `${what}: ${answer.body}`).toBe('string');
    expect(typeof body.error_description, `${what}: ${answer.body}`).toBe('string');
    expect(answer.body, what).not.toMatch(/\n\s+at |prisma|sqlite|postgres/i);
    return;
  }
  expect(type, what).toMatch(/^text\/html/);
  expect(answer.body, what).toContain('role="alert"');
  expect(answer.body, what).not.toMatch(/\n\s+at |prisma|sqlite|postgres/i);
}

describe.each(testProviders(process.env))('every route, every method, malformed input (%s)', (provider) => {
  let stack: WorkerStack;
  let routes: [string, Route][];
  let client: { id: string; secret: string };
  beforeAll(async () => {
    stack = await startWorkerStack(provider, { enableClientRegistration: true, enableRegistration: true });
    routes = [...stack.worker.routes];
    client = await stack.addClient();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('covers every route of the table, machine endpoints and pages alike', () => {
    expect(routes.map(([path]) => path).sort()).toEqual(
      [
        '/.well-known/oauth-authorization-server',
        '/.well-known/openid-configuration',
        '/api/v1/*',
        '/approval',
        '/auth',
        '/auth/*',
        '/device',
        '/device/callback',
        '/device/code',
        '/health',
        '/keys',
        '/logout',
        '/metrics',
        '/registration',
        '/token',
        '/token/introspect',
        '/token/revoke',
        '/userinfo',
        '/register',
        '/register/identity',
        '/switch-connector',
        '/verify-email',
        '/resend-verify-email',
        '/send-reset-password',
        '/reset-password',
        '/accept-invitation',
      ].sort(),
    );
  });

  it('never answers malformed input with a 5xx, and always with a standard error body', async () => {
    let requests = 0;
    for (const [path] of routes) {
      for (const method of METHODS) {
        for (const input of MALFORMED) {
          const url = `${stack.issuer}${examplePath(path)}${input.query === undefined ? '' : `?${input.query}`}`;
          const what = `${method} ${path} with ${input.name}`;
          const answer = await send(url, { method, ...(input.headers ? { headers: input.headers } : {}), body: input.body ?? '' });
          requests++;
          expect(answer.status, `${what}: ${answer.body.slice(0, 200)}`).toBeLessThan(500);
          if (answer.status >= 400) expectStandardError(answer, method, what);
          if (answer.status === 405) expect(answer.headers.allow, what).toBeTruthy();
        }
      }
    }
    expect(requests).toBe(routes.length * METHODS.length * MALFORMED.length);
  });

  it('refuses a NUL byte in every parameter of the token endpoint and in Basic credentials as invalid_request, before any lookup', async () => {
    for (const body of [
      'grant_type=authorization_code&code=a%00',
      'grant_type=refresh_token&refresh_token=%00',
      'grant_type=client_credentials&scope=openid%00',
    ]) {
      const answer = await send(`${stack.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': FORM, authorization: basicAuth(client) },
        body,
      });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_request' });
    }
    const nulClient = await send(`${stack.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': FORM, authorization: `Basic ${Buffer.from('a%00b:secret').toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
    expect(nulClient.status).toBe(401);
    expect(JSON.parse(nulClient.body)).toMatchObject({ error: 'invalid_client' });
  });

  it('answers headers over the size limit and a malformed request line with a JSON error, not a dropped connection', async () => {
    const origin = new URL(stack.issuer);
    const huge = await sendRaw(
      origin,
      `GET ${origin.pathname}/keys HTTP/1.1\r\nHost: ${origin.host}\r\nX-Padding: ${'p'.repeat(20_000)}\r\n\r\n`,
    );
    expect(huge.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(huge).toContain('"error":"invalid_request"');
    const garbage = await sendRaw(origin, 'THIS IS NOT HTTP\r\n\r\n');
    expect(garbage.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(garbage).toContain('"error":"invalid_request"');
    const star = await sendRaw(origin, `OPTIONS * HTTP/1.1\r\nHost: ${origin.host}\r\nConnection: close\r\n\r\n`);
    expect(star.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
  });
});

describe.each(testProviders(process.env))('one path rule for the whole route table (%s)', (provider) => {
  let stack: WorkerStack;
  beforeAll(async () => {
    stack = await startWorkerStack(provider, { enableClientRegistration: true, enableRegistration: true });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('matches every route exactly: its path is served, a trailing slash or another case is not', async () => {
    for (const [path, route] of stack.worker.routes) {
      const exact = examplePath(path);
      const [method = 'GET'] = route.methods;
      const served = await send(`${stack.issuer}${exact}`, { method, headers: { 'content-type': FORM }, body: '' });
      expect(served.status, `${method} ${exact}`).not.toBe(404);
      for (const variant of [`${exact}/`, exact.toUpperCase(), `${exact}//`, `${exact}%2F`]) {
        const answer = await send(`${stack.issuer}${variant}`, { method, headers: { 'content-type': FORM }, body: '' });
        expect(answer.status, `${method} ${variant}`).toBe(404);
        // Under a JSON prefix route (the worker API), the 404 is its JSON error; elsewhere the page.
        const underJsonPrefix = path.endsWith('/*') && route.errors === 'json' && variant.startsWith(path.slice(0, -1));
        if (underJsonPrefix) expect(JSON.parse(answer.body), `${method} ${variant}`).toMatchObject({ error: 'resource_not_found' });
        else expect(answer.body, `${method} ${variant}`).toContain('There is no such page.');
      }
    }
  });

  it('answers every method a route does not serve with 405 and an Allow header listing the ones it does', async () => {
    for (const [path, route] of stack.worker.routes) {
      const allowed = [
        ...route.methods.flatMap((method) => (method === 'GET' && !route.methods.includes('HEAD') ? ['GET', 'HEAD'] : [method])),
        ...(route.cors === undefined ? [] : ['OPTIONS']),
      ];
      for (const method of METHODS.filter((m) => !allowed.includes(m))) {
        const answer = await send(`${stack.issuer}${examplePath(path)}`, { method });
        expect(answer.status, `${method} ${path}`).toBe(405);
        expect(String(answer.headers.allow).split(', '), `${method} ${path}`).toEqual(allowed);
      }
    }
  });

  it('serves a route through an absolute-form request target, as a proxy sends it', async () => {
    const origin = new URL(stack.issuer);
    const answer = await sendRaw(origin, `GET ${stack.issuer}/keys HTTP/1.1\r\nHost: ${origin.host}\r\nConnection: close\r\n\r\n`);
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(answer).toContain('"keys":[');
  });
});
