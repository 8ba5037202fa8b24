import * as oidc from 'openid-client';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWorkerConfig } from '../../src/env.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

const TOKEN = 'initial-access-token-0123456789';
const METADATA = { redirect_uris: ['https://app.example/cb'], client_name: 'Limited' };

function register(stack: WorkerStack, headers: Record<string, string> = {}, body: unknown = METADATA) {
  return fetch(`${stack.issuer}/registration`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

describe.each(testProviders(process.env))('dynamic registration: initial access token RFC7591 §3 and rate limit (%s)', (provider) => {
  let guarded: WorkerStack;
  let open: WorkerStack;

  beforeAll(async () => {
    guarded = await startWorkerStack(provider, {
      enableClientRegistration: true,
      registration: { initialAccessToken: TOKEN, perAddress: 100, windowMs: 3_600_000 },
    });
    open = await startWorkerStack(provider, { enableClientRegistration: true, registration: { perAddress: 3, windowMs: 3_600_000 } });
  });
  afterAll(async () => {
    await guarded?.stop();
    await open?.stop();
  });

  it('registers with the initial access token as a Bearer token, through openid-client’s dynamicClientRegistration', async () => {
    const config = await oidc.dynamicClientRegistration(new URL(guarded.issuer), METADATA, undefined, {
      initialAccessToken: TOKEN,
      execute: [oidc.allowInsecureRequests],
    });
    expect(config.clientMetadata().client_id).toBeTruthy();
    expect(config.clientMetadata().client_name).toBe('Limited');
  });

  it('refuses a missing or wrong token with 401 invalid_token and a Bearer challenge', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Basic ${TOKEN}` },
      { authorization: 'Bearer short' },
    ]) {
      const response = await register(guarded, headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="dex", error="invalid_token"/);
      expect(await response.json()).toEqual({
        error: 'invalid_token',
        error_description: 'registering a client needs a valid initial access token',
      });
    }
    expect(await guarded.db.prisma.client.count({ where: { name: 'Limited', registered: true } })).toBe(1);
  });

  it('limits registrations per client address: 429 with Retry-After and a JSON error', async () => {
    for (let i = 0; i < 3; i++) expect((await register(open)).status).toBe(201);
    const refused = await register(open);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3_500);
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await refused.json()).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'too many client registrations from this address; try again later',
    });
    expect(await open.db.prisma.client.count({ where: { registered: true } })).toBe(3);
  });

  it('reads the token from --registration-initial-access-token or DEX_WORKER_REGISTRATION_INITIAL_ACCESS_TOKEN', () => {
    const base = ['--db-url', 'file:./x.db', '--key-secrets', Buffer.alloc(32, 1).toString('base64'), '--enable-client-registration'];
    const fromFlag = readWorkerConfig([...base, '--registration-initial-access-token', TOKEN], {});
    expect(fromFlag.kind === 'run' && fromFlag.config.registration?.initialAccessToken).toBe(TOKEN);
    const fromEnv = readWorkerConfig(base, {
      DEX_WORKER_REGISTRATION_INITIAL_ACCESS_TOKEN: TOKEN,
      DEX_WORKER_REGISTRATION_MAX_PER_IP: '5',
    });
    expect(fromEnv.kind === 'run' && fromEnv.config.registration).toEqual({
      initialAccessToken: TOKEN,
      perAddress: 5,
      windowMs: 3_600_000,
    });
    expect(() => readWorkerConfig([...base, '--registration-initial-access-token', 'short'], {})).toThrow(
      '--registration-initial-access-token: must be at least 16 characters',
    );
    expect(() => readWorkerConfig(base.slice(0, 4).concat(['--registration-initial-access-token', TOKEN]), {})).toThrow(
      '--registration-initial-access-token: needs --enable-client-registration',
    );
  });
});
