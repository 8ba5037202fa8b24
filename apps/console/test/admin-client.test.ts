import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '@dex/shared/errors';
import { freePort, testSecrets } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_API_TIMEOUT_MS, type AdminRequestEvent, createAdminClient } from '../src/shared/admin-client.ts';

const SECRET = testSecrets().adminApiSecret;
const CLIENT = {
  id: 'app',
  name: 'App',
  logoUri: null,
  clientUri: null,
  redirectUris: ['https://app.example/cb'],
  trustedPeers: [],
  admin: false,
  public: false,
  trusted: false,
  registered: false,
  accessTokenFormat: 'opaque',
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
};

interface Seen {
  method: string | undefined;
  url: string | undefined;
  authorization: string | undefined;
  body: string;
}

/** A stand-in admin API: each test sets how it answers and reads what it was sent. */
let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
let seen: Seen[] = [];
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization, body });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function answerWith(status: number, body: unknown, headers: Record<string, string> = {}): void {
  seen = [];
  answer = (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

/** What a call rejected with (the test fails if it resolved). */
async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('createAdminClient', () => {
  it('sends the secret as the Authorization header and parses the answer with the contract schema', async () => {
    answerWith(200, { items: [CLIENT], total: 1, nextCursor: null });
    const admin = createAdminClient({ baseUrl: `${baseUrl}/`, secret: SECRET });
    expect(await admin.listClients({ q: 'a b', limit: 10 })).toEqual({ items: [CLIENT], total: 1, nextCursor: null });
    expect(seen).toEqual([{ method: 'GET', url: '/api/v1/clients?q=a+b&limit=10', authorization: SECRET, body: '' }]);
  });

  it('keeps a path prefix, encodes ids and sends JSON bodies', async () => {
    answerWith(201, { client: CLIENT, secret: 's' });
    const admin = createAdminClient({ baseUrl: `${baseUrl}/behind/proxy`, secret: SECRET });
    await admin.createClient({ redirectUris: ['https://app.example/cb'] });
    answerWith(204, '');
    await admin.deleteClient('abc@host/x');
    expect(seen).toEqual([{ method: 'DELETE', url: '/behind/proxy/api/v1/clients/abc%40host%2Fx', authorization: SECRET, body: '' }]);
  });

  it('turns a {code, message} answer into the AppError it describes', async () => {
    answerWith(404, { code: 'NOT_FOUND', message: 'client not found' });
    const error = await failure(createAdminClient({ baseUrl, secret: SECRET }).getClient('nope'));
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404, message: 'client not found' });
  });

  it('a server error names the API, the status and what the server said', async () => {
    answerWith(500, { code: 'INTERNAL', message: 'internal server error' });
    const error = await failure(createAdminClient({ baseUrl, secret: SECRET }).rotateKeys());
    expect(error).toMatchObject({ code: 'INTERNAL', status: 500 });
    expect(error.message).toBe(`the admin API at ${baseUrl} failed (500): internal server error`);
  });

  it('an unknown error code falls back to the status', async () => {
    answerWith(409, { code: 'SOMETHING_NEW', message: 'taken' });
    const error = await failure(createAdminClient({ baseUrl, secret: SECRET }).createUser({ email: 'a@example.com' }));
    expect(error).toMatchObject({ code: 'CONFLICT', status: 409, message: 'taken' });
  });

  it('a refused secret says so, without the secret', async () => {
    answerWith(401, { code: 'UNAUTHORIZED', message: 'missing or wrong admin API secret' });
    const error = await failure(createAdminClient({ baseUrl, secret: SECRET }).getState());
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    expect(error.message).toBe(`the admin API at ${baseUrl} refused the admin secret (missing or wrong admin API secret)`);
    expect(JSON.stringify(error.toJSON())).not.toContain(SECRET);
  });

  it('an answer that is not the contract is an error naming the field', async () => {
    answerWith(200, { AdminUserCreated: 'yes' });
    const error = await failure(createAdminClient({ baseUrl, secret: SECRET }).getState());
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toMatch(
      new RegExp(
        `^unexpected answer from the admin API at ${baseUrl}: GET /api/v1/state answered 200 with a body that is not the contract's at AdminUserCreated: `,
      ),
    );
    // Exposed on purpose: the console shows it, and it carries no secret.
    expect(error.toJSON().message).toBe(error.message);
  });

  it('an error page that is not JSON is an error asking whether the URL is right', async () => {
    answerWith(502, '<html>Bad gateway</html>', { 'content-type': 'text/html' });
    const error = await failure(createAdminClient({ baseUrl, secret: SECRET }).listKeys());
    expect(error.message).toBe(
      `unexpected answer from the admin API at ${baseUrl}: GET /api/v1/keys answered 502 without a {code, message} body; is the URL the overlord's admin API?`,
    );
  });

  it('never follows a redirect (it could carry the secret elsewhere)', async () => {
    answerWith(302, '', { location: 'http://127.0.0.1:1/steal' });
    const error = await failure(createAdminClient({ baseUrl, secret: SECRET }).getState());
    expect(error.message).toMatch(/answered with a redirect \(302\)/);
    expect(seen).toHaveLength(1);
  });

  it('v0 endpoints without a body resolve with nothing', async () => {
    answerWith(200, '');
    const admin = createAdminClient({ baseUrl, secret: SECRET });
    await expect(admin.replaceConnectors([{ type: 'local', id: 'local' }])).resolves.toBeUndefined();
    expect(seen[0]).toMatchObject({ method: 'PUT', url: '/api/v1/connectors', body: '{"connectors":[{"type":"local","id":"local"}]}' });
  });

  it('/health is public: no secret, and a 503 still answers with the health body', async () => {
    answerWith(503, { status: 'error', database: 'sqlite', message: 'down' });
    const health = await createAdminClient({ baseUrl, secret: SECRET }).health();
    expect(health).toEqual({ status: 'error', database: 'sqlite', message: 'down' });
    expect(seen[0]?.authorization).toBeUndefined();
  });

  it('an address nothing listens on is "cannot reach", naming the URL', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const error = await failure(createAdminClient({ baseUrl: url, secret: SECRET }).getState());
    expect(error).toMatchObject({ code: 'INTERNAL', status: 503 });
    expect(error.message).toBe(`cannot reach the admin API at ${url}: connect ECONNREFUSED ${url.slice('http://'.length)}`);
  });

  it(`gives up after the timeout (${ADMIN_API_TIMEOUT_MS / 1000} s by default)`, async () => {
    seen = [];
    answer = () => {
      // Never answers.
    };
    const error = await failure(createAdminClient({ baseUrl, secret: SECRET, timeoutMs: 200 }).getState());
    expect(error).toMatchObject({ code: 'INTERNAL', status: 504 });
    expect(error.message).toBe(`the admin API at ${baseUrl} did not answer within 200 ms`);
    expect(ADMIN_API_TIMEOUT_MS).toBe(10_000);
  });

  it('reports each request without headers, bodies or the secret', async () => {
    answerWith(200, { secret: 'new-client-secret' });
    const events: AdminRequestEvent[] = [];
    await createAdminClient({ baseUrl, secret: SECRET, onRequest: (event) => events.push(event) }).rotateClientSecret('app');
    expect(events).toEqual([{ method: 'POST', path: '/api/v1/clients/app/secret', status: 200, durationMs: expect.any(Number) }]);
    expect(JSON.stringify(events)).not.toContain(SECRET);
  });

  it('uses an injected fetch', async () => {
    const calls: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      calls.push(String(input));
      return new Response(JSON.stringify({ AdminUserCreated: true }), { status: 200 });
    };
    const state = await createAdminClient({ baseUrl: 'http://admin.internal:5557', secret: SECRET, fetch: fakeFetch }).getState();
    expect(state).toEqual({ AdminUserCreated: true });
    expect(calls).toEqual(['http://admin.internal:5557/api/v1/state']);
  });

  it.each([
    [{ baseUrl: 'not a url', secret: SECRET }, 'the admin API URL "not a url" is not a URL'],
    [{ baseUrl: 'ftp://127.0.0.1', secret: SECRET }, 'the admin API URL "ftp://127.0.0.1" must use http or https'],
    [{ baseUrl: 'http://u:p@127.0.0.1', secret: SECRET }, 'the admin API URL must not contain credentials: the secret is sent as a header'],
    [{ baseUrl: 'http://127.0.0.1', secret: 'two words' }, 'the admin API secret must be non-empty printable ASCII (base64)'],
    [{ baseUrl: 'http://127.0.0.1', secret: '' }, 'the admin API secret must be non-empty printable ASCII (base64)'],
  ])('refuses bad options (case %#)', (options, message) => {
    expect(() => createAdminClient(options)).toThrow(new AppError('INVALID_CONFIG', { message }));
  });
});
