import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

/** Polls `probe` until it returns a value (at most 5 s), for changes other processes make. */
async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('the expected change did not happen within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(testProviders(process.env))('authorization endpoint RFC6749 §4.1.1 (%s)', (provider) => {
  let stack: WorkerStack;
  let client: { id: string; secret: string; redirectUri: string };
  const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

  beforeAll(async () => {
    stack = await startWorkerStack(provider);
    client = await stack.addClient();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  function auth(params: Record<string, string>, init?: RequestInit) {
    const url = new URL(`${stack.issuer}/auth`);
    url.search = new URLSearchParams(params).toString();
    return fetch(url, { redirect: 'manual', ...init });
  }

  const valid = () => ({
    client_id: client.id,
    redirect_uri: client.redirectUri,
    response_type: 'code',
    scope: 'openid email',
    state: 'xyz',
  });

  it('renders an error page, never a redirect, for an unknown client', async () => {
    const response = await auth({ ...valid(), client_id: 'nobody' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('unknown client');
  });

  it('renders an error page for a missing client_id', async () => {
    const { client_id: _omit, ...params } = valid();
    const response = await auth(params);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('missing required parameter: client_id');
  });

  it('never redirects to an unregistered redirect_uri', async () => {
    for (const redirect of [
      'https://evil.example/cb',
      `${client.redirectUri}/`,
      `${client.redirectUri}?x=1`,
      'http://127.0.0.1:5556/callback',
    ]) {
      const response = await auth({ ...valid(), redirect_uri: redirect, response_type: 'token' });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain('redirect_uri is not registered for this client');
    }
  });

  it('uses the only registered redirect URI when redirect_uri is omitted', async () => {
    const { redirect_uri: _omit, ...params } = valid();
    const response = await auth(params);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(/^\/dex\/auth\/local\/login\?session=/);
  });

  it('asks for redirect_uri when a client has several', async () => {
    const multi = await stack.addClient({ redirectUris: ['http://127.0.0.1:5555/a', 'http://127.0.0.1:5555/b'] });
    const response = await auth({ client_id: multi.id, response_type: 'code', scope: 'openid' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('missing required parameter: redirect_uri');
  });

  it('redirects unsupported_response_type with state and iss to the registered URI', async () => {
    const response = await auth({ ...valid(), response_type: 'token' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe(client.redirectUri);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      error: 'unsupported_response_type',
      error_description: 'unsupported response_type: token',
      state: 'xyz',
      iss: stack.issuer,
    });
  });

  it("redirects invalid_scope when 'openid' is missing; an unknown scope is no error", async () => {
    const missing = new URL((await auth({ ...valid(), scope: 'email' })).headers.get('location') ?? '');
    expect(missing.searchParams.get('error')).toBe('invalid_scope');
    const unknown = await auth({ ...valid(), scope: 'openid admin' });
    expect(unknown.headers.get('location')).toMatch(/^\/dex\/auth\/local\/login/);
  });

  it('allows cross-client audiences only for trusted peers', async () => {
    const peer = await stack.addClient({ trustedPeers: [client.id] });
    const stranger = await stack.addClient();
    const allowed = await auth({ ...valid(), scope: `openid audience:server:client_id:${peer.id}` });
    expect(allowed.headers.get('location')).toMatch(/^\/dex\/auth\/local\/login/);
    const refused = new URL(
      (await auth({ ...valid(), scope: `openid audience:server:client_id:${stranger.id}` })).headers.get('location') ?? '',
    );
    expect(refused.searchParams.get('error')).toBe('invalid_scope');
    expect(refused.searchParams.get('error_description')).toBe(
      `"${client.id}" is not authorized to perform cross-client requests for "${stranger.id}"`,
    );
  });

  it('PKCE RFC7636: accepts S256 and refuses plain', async () => {
    const s256 = await auth({ ...valid(), code_challenge: challenge, code_challenge_method: 'S256' });
    expect(s256.status).toBe(302);
    expect(s256.headers.get('location')).toMatch(/^\/dex\/auth\/local\/login/);
    const plain = new URL(
      (await auth({ ...valid(), code_challenge: challenge, code_challenge_method: 'plain' })).headers.get('location') ?? '',
    );
    expect(plain.searchParams.get('error')).toBe('invalid_request');
    expect(plain.searchParams.get('error_description')).toBe('code_challenge_method must be S256');
  });

  it('refuses a parameter given twice', async () => {
    const url = `${stack.issuer}/auth?client_id=${encodeURIComponent(client.id)}&client_id=other&response_type=code&scope=openid`;
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('was given more than once');
  });

  it('accepts the request by POST as well', async () => {
    const response = await fetch(`${stack.issuer}/auth`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(valid()),
    });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(/^\/dex\/auth\/local\/login/);
  });

  it('shows a chooser with every connector, in order and by display name, when there are several', async () => {
    await stack.setConnectors([
      { type: 'local', id: 'local' },
      { type: 'local', id: 'staff', name: 'Staff accounts' },
    ]);
    try {
      // Connector changes reach the running worker without a restart (it checks at most once a second).
      const page = await eventually(async () => {
        const response = await auth(valid());
        return response.status === 200 ? response.text() : undefined;
      });
      const ids = [...page.matchAll(/id="connector-([^"]+)" href="([^"]+)"/g)].map((m) => m[1]);
      expect(ids).toEqual(['local', 'staff']);
      // The display name when the config has one; "Email" for a local connector without.
      const labels = [...page.matchAll(/id="connector-[^"]+" href="[^"]+">([^<]+)</g)].map((m) => m[1]);
      expect(labels).toEqual(['Log in with Email', 'Log in with Staff accounts']);
      expect(page).toContain('connector_id=staff');
      const chosen = await auth({ ...valid(), connector_id: 'staff' });
      expect(chosen.headers.get('location')).toMatch(/^\/dex\/auth\/staff\/login\?session=/);
    } finally {
      await stack.setConnectors([{ type: 'local', id: 'local' }]);
      await eventually(async () => ((await auth(valid())).status === 302 ? true : undefined));
    }
  });
});

describe('discovery and keys', () => {
  let stack: WorkerStack;
  beforeAll(async () => {
    stack = await startWorkerStack('sqlite');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('publishes metadata built from the configured issuer, whatever the request headers', async () => {
    const response = await fetch(`${stack.issuer}/.well-known/openid-configuration`, {
      headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
    });
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata.issuer).toBe(stack.issuer);
    expect(metadata.authorization_endpoint).toBe(`${stack.issuer}/auth`);
    expect(metadata.token_endpoint).toBe(`${stack.issuer}/token`);
    expect(metadata.jwks_uri).toBe(`${stack.issuer}/keys`);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.response_types_supported).toEqual(['code']);
    expect(metadata.grant_types_supported).toEqual([
      'authorization_code',
      'refresh_token',
      'client_credentials',
      'urn:ietf:params:oauth:grant-type:device_code',
    ]);
  });

  it('serves public keys only, unpadded, with a cache lifetime', async () => {
    const response = await fetch(`${stack.issuer}/keys`);
    expect(response.headers.get('cache-control')).toMatch(/^public, max-age=\d+/);
    const { keys } = (await response.json()) as { keys: Record<string, string>[] };
    expect(keys).toHaveLength(1);
    const [key] = keys;
    expect(key?.kty).toBe('RSA');
    expect(key?.alg).toBe('RS256');
    expect(key?.use).toBe('sig');
    expect(key?.kid).toMatch(/^[0-9a-f]{40}$/);
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(member);
    expect(key?.n).not.toContain('=');
  });

  it.each(['/.well-known/openid-configuration', '/keys'])('%s revalidates with its ETag and answers HEAD without a body', async (path) => {
    const first = await fetch(`${stack.issuer}${path}`);
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(first.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = await first.text();
    const again = await fetch(`${stack.issuer}${path}`, { headers: { 'if-none-match': `W/${etag}, "other"` } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('cache-control')).toBe(first.headers.get('cache-control'));
    const changed = await fetch(`${stack.issuer}${path}`, { headers: { 'if-none-match': '"stale"' } });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toBe(body);
    const head = await fetch(`${stack.issuer}${path}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
    expect(await head.text()).toBe('');
    const post = await fetch(`${stack.issuer}${path}`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
  });

  it('answers 405 to a GET on the token endpoint', async () => {
    const response = await fetch(`${stack.issuer}/token`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST, OPTIONS');
  });
});
