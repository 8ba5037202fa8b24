import { connect } from 'node:net';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, obtainTokens } from '../support/flows.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

describe.each(testProviders(process.env))('malformed input never gets a 5xx (%s)', (provider) => {
  let stack: WorkerStack;
  let client: { id: string; secret: string; redirectUri: string };
  beforeAll(async () => {
    stack = await startWorkerStack(provider);
    client = await stack.addClient();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const token = (body: string | Uint8Array, headers: Record<string, string> = {}) =>
    fetch(`${stack.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client), ...headers },
      body,
    });

  it.each([
    ['a JSON body', '{"grant_type":"client_credentials"}', { 'content-type': 'application/json' }, 400, 'invalid_request'],
    ['a repeated parameter', 'grant_type=client_credentials&grant_type=client_credentials', {}, 400, 'invalid_request'],
    ['invalid UTF-8', 'grant_type=%FF%FE%FD', {}, 400, 'invalid_request'],
    ['a broken percent escape', 'grant_type=%E0%A4%A', {}, 400, 'invalid_request'],
    ['a NUL byte', 'grant_type=client_credentials&scope=openid%00', {}, 400, 'invalid_request'],
    ['a Basic header that is not base64', 'grant_type=client_credentials', { authorization: 'Basic !!!' }, 401, 'invalid_client'],
    [
      'a Basic header without a colon',
      'grant_type=client_credentials',
      { authorization: `Basic ${Buffer.from('nocolon').toString('base64')}` },
      401,
      'invalid_client',
    ],
    [
      'a Basic header with a bad escape',
      'grant_type=client_credentials',
      { authorization: `Basic ${Buffer.from('%ZZ:x').toString('base64')}` },
      401,
      'invalid_client',
    ],
    ['an unknown authorization scheme', 'grant_type=client_credentials', { authorization: 'Digest abc' }, 401, 'invalid_client'],
    [
      'a charset other than UTF-8',
      'grant_type=client_credentials',
      { 'content-type': 'application/x-www-form-urlencoded; charset=iso-8859-1' },
      415,
      'invalid_request',
    ],
    ['a compressed body', 'grant_type=client_credentials', { 'content-encoding': 'gzip' }, 415, 'invalid_request'],
    ['no body at all', '', {}, 400, 'invalid_request'],
    [
      'over 100 parameters',
      `grant_type=client_credentials&${Array.from({ length: 100 }, (_, i) => `p${i}=x`).join('&')}`,
      {},
      400,
      'invalid_request',
    ],
  ])('token endpoint: %s', async (_name, body, headers, status, error) => {
    const response = await token(body, headers);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: string }).error).toBe(error);
  });

  it('token endpoint: a body over the size limit is 413', async () => {
    const response = await token(`grant_type=client_credentials&pad=${'x'.repeat(64 * 1024)}`);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: 'request body too large' });
  });

  it('token endpoint: a declared UTF-8 charset, any case of the media type and a query string are fine', async () => {
    const response = await fetch(`${stack.issuer}/token?ignored=1`, {
      method: 'POST',
      headers: { 'content-type': 'Application/X-WWW-Form-URLEncoded; charset="UTF-8"', authorization: basicAuth(client) },
      body: 'grant_type=client_credentials&scope=openid',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(((await response.json()) as { token_type: string }).token_type).toBe('Bearer');
  });

  it('token endpoint: an absolute-form request target, as a proxy sends it, is served too', async () => {
    const issuer = new URL(stack.issuer);
    const body = 'grant_type=client_credentials&scope=openid';
    const request = [
      `POST ${stack.issuer}/token HTTP/1.1`,
      `Host: ${issuer.host}`,
      'Content-Type: application/x-www-form-urlencoded',
      `Authorization: ${basicAuth(client)}`,
      `Content-Length: ${body.length}`,
      'Connection: close',
      '',
      body,
    ].join('\r\n');
    const answer = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect(Number(issuer.port), issuer.hostname, () => socket.write(request));
      socket.on('data', (chunk) => {
        text += chunk.toString();
      });
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(answer).toContain('"token_type":"Bearer"');
  });

  it('token endpoint: huge parameter values are refused, not processed', async () => {
    const response = await token(`grant_type=authorization_code&code=${'a'.repeat(20_000)}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: 'parameter code is too long' });
  });

  it.each([
    ['PUT /auth', 'PUT', '/auth', 405],
    ['DELETE /token', 'DELETE', '/token', 405],
    ['POST /keys', 'POST', '/keys', 405],
    ['a bad escape in the path', 'GET', '/auth/%E0%A4%A/login', 400],
    ['a bad escape in the query', 'GET', '/auth?client_id=%E0%A4%A&response_type=code&scope=openid', 400],
    ['a huge query', 'GET', `/auth?client_id=${'x'.repeat(6000)}`, 400],
    ['an unknown path', 'GET', '/nothing/here', 404],
  ])('%s answers a 4xx page', async (_name, method, path, status) => {
    const response = await fetch(`${stack.issuer}${path}`, { method, redirect: 'manual' });
    expect(response.status).toBe(status);
    expect(response.headers.get('location')).toBeNull();
  });

  it('pages carry a strict Content-Security-Policy and anti-framing headers', async () => {
    const response = await fetch(`${stack.issuer}/auth?client_id=nobody`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('health reports the database, the signing key and each connector', async () => {
    const response = await fetch(`${stack.issuer}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', checks: { database: 'ok', signing_key: 'ok', 'connector:local': 'ok' } });
  });

  it('metrics count requests by route, logins and grants by outcome', async () => {
    await obtainTokens(stack);
    await token('grant_type=password');
    const text = await (await fetch(`${stack.issuer}/metrics`)).text();
    expect(text).toMatch(/^dex_http_requests_total\{method="POST",route="\/dex\/token",status="200"\} \d+$/m);
    expect(text).toMatch(/^dex_connector_logins_total\{connector="local",outcome="success",type="local"\} \d+$/m);
    expect(text).toMatch(/^dex_token_grants_total\{grant_type="authorization_code",outcome="ok"\} \d+$/m);
    expect(text).toMatch(/^dex_token_grants_total\{grant_type="other",outcome="unsupported_grant_type"\} \d+$/m);
    expect(text).toMatch(/^dex_http_request_duration_seconds_bucket\{le="\+Inf",route="\/dex\/token"\} \d+$/m);
    // prom-client's process and Node.js metrics, for dashboards and alerts on memory, CPU and lag.
    for (const name of [
      'process_resident_memory_bytes',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(text).toMatch(new RegExp(`^${name} \\d`, 'm'));
    }
    expect(text).toMatch(/^process_start_time_seconds \d+$/m);
    expect(text).toMatch(/^# TYPE nodejs_gc_duration_seconds histogram$/m);
  });
});
