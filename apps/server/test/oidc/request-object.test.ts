import * as oidc from 'openid-client';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeUrl } from '../support/flows.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

describe.each(testProviders(process.env))('request objects OIDC Core §6 (%s)', (provider) => {
  let stack: WorkerStack;
  let client: { id: string; secret: string; redirectUri: string };

  beforeAll(async () => {
    stack = await startWorkerStack(provider);
    client = await stack.addClient();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const auth = (params: Record<string, string>) => fetch(authorizeUrl(stack, client, params), { redirect: 'manual' });

  it('says in discovery that it takes neither request nor request_uri', async () => {
    const metadata = (await (await fetch(`${stack.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(metadata.request_parameter_supported).toBe(false);
    expect(metadata.request_uri_parameter_supported).toBe(false);
  });

  it('answers a signed request object built by openid-client with request_not_supported at the redirect URI (§6.1)', async () => {
    const config = await oidc.discovery(new URL(stack.issuer), client.id, client.secret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const { privateKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const url = await oidc.buildAuthorizationUrlWithJAR(
      config,
      { redirect_uri: client.redirectUri, scope: 'openid email', state: 'jar-state', response_type: 'code' },
      privateKey,
    );
    expect(url.searchParams.get('request')).toBeTruthy();
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(client.redirectUri);
    expect(location.searchParams.get('error')).toBe('request_not_supported');
    expect(location.searchParams.get('iss')).toBe(stack.issuer);
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('answers request_uri with request_uri_not_supported at the redirect URI, state kept (§6.2)', async () => {
    const response = await auth({ request_uri: 'https://rp.example/request.jwt' });
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('request_uri_not_supported');
    expect(location.searchParams.get('error_description')).toBe('the request_uri parameter is not supported');
    expect(location.searchParams.get('state')).toBe('st-123');
  });

  it('never redirects to an unregistered redirect URI or for an unknown client, request object or not', async () => {
    const stranger = await auth({ redirect_uri: 'https://evil.example/cb', request: 'eyJhbGciOiJub25lIn0.e30.' });
    expect(stranger.status).toBe(400);
    expect(stranger.headers.get('location')).toBeNull();
    expect(await stranger.text()).toContain('redirect_uri is not registered for this client');
    const unknown = await auth({ client_id: 'nobody', request_uri: 'https://rp.example/r' });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('unknown client');
  });
});
