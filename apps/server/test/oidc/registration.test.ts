import * as oidc from 'openid-client';
import { findClient } from '@dex/shared/domain/clients';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

describe.each(testProviders(process.env))('dynamic client registration RFC7591 (%s)', (provider) => {
  let stack: WorkerStack;
  beforeAll(async () => {
    stack = await startWorkerStack(provider, { enableClientRegistration: true });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const register = (body: unknown, contentType = 'application/json') =>
    fetch(`${stack.issuer}/registration`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('advertises the endpoint and registers a confidential client whose secret works', async () => {
    const metadata = (await (await fetch(`${stack.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(metadata.registration_endpoint).toBe(`${stack.issuer}/registration`);
    const response = await register({ redirect_uris: ['https://app.example/cb'], client_name: 'Registered app', foo: 'ignored' });
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      redirect_uris: ['https://app.example/cb'],
      client_name: 'Registered app',
      client_secret_expires_at: 0,
      token_endpoint_auth_method: 'client_secret_basic',
      response_types: ['code'],
    });
    const stored = await findClient(stack.db.prisma, String(body.client_id));
    expect(stored).toMatchObject({ admin: false, public: false, redirectUris: ['https://app.example/cb'] });
    const config = await oidc.discovery(new URL(stack.issuer), String(body.client_id), String(body.client_secret), undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'openid' });
    expect(tokens.access_token).toBeTruthy();
  });

  it.each([
    ['no redirect URIs', { client_name: 'x' }, 'invalid_redirect_uri'],
    ['a custom-scheme redirect URI', { redirect_uris: ['myapp://cb'] }, 'invalid_redirect_uri'],
    ['a redirect URI with a fragment', { redirect_uris: ['https://app.example/cb#x'] }, 'invalid_redirect_uri'],
    ['an implicit response type', { redirect_uris: ['https://app.example/cb'], response_types: ['token'] }, 'invalid_client_metadata'],
    ['an unknown grant type', { redirect_uris: ['https://app.example/cb'], grant_types: ['password'] }, 'invalid_client_metadata'],
    [
      'another signing algorithm',
      { redirect_uris: ['https://app.example/cb'], id_token_signed_response_alg: 'HS256' },
      'invalid_client_metadata',
    ],
    ['auth method none', { redirect_uris: ['https://app.example/cb'], token_endpoint_auth_method: 'none' }, 'invalid_client_metadata'],
    ['a non-object body', [1, 2], 'invalid_request'],
  ])('refuses %s', async (_name, body, error) => {
    const response = await register(body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe(error);
  });

  it('answers malformed JSON and a form body with invalid_request', async () => {
    const broken = await register('{"redirect_uris":');
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: string }).error).toBe('invalid_request');
    const form = await register('redirect_uris=https://app.example/cb', 'application/x-www-form-urlencoded');
    expect(await form.json()).toEqual({ error: 'invalid_request', error_description: 'the request body must be application/json' });
  });
});

describe('dynamic client registration turned off (the default)', () => {
  let stack: WorkerStack;
  beforeAll(async () => {
    stack = await startWorkerStack('sqlite');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('has no endpoint and does not advertise one', async () => {
    const metadata = (await (await fetch(`${stack.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(metadata.registration_endpoint).toBeUndefined();
    const response = await fetch(`${stack.issuer}/registration`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(404);
  });
});
