import { setTimeout as delay } from 'node:timers/promises';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, obtainTokens, type TestClient, userinfoStatus } from '../support/flows.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

/** The reuse window of these tests: short, so the test can outwait it. */
const REUSE_INTERVAL_MS = 1_500;

/** A refresh at one worker's address (`base` is the issuer URL as that worker serves it). */
async function refreshAt(base: string, client: TestClient, token: string): Promise<{ status: number; body: Record<string, string> }> {
  const response = await fetch(`${base}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client) },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

/**
 * `--refresh-token-reuse-interval` (dex v2's `reuseInterval`), black-box against two workers
 * on one database: concurrent refreshes with one token (mod_auth_openidc sends six at once,
 * two browser tabs send two) must not end the session, and a replay after the window still must.
 */
describe.each(testProviders(process.env))('concurrent refresh across two workers: the reuse window (%s)', (provider) => {
  let stack: WorkerStack;
  let peer: string;
  beforeAll(async () => {
    stack = await startWorkerStack(provider, { refreshTokenReuseIntervalMs: REUSE_INTERVAL_MS });
    peer = (await stack.startPeer()).base;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers six parallel refreshes of one token on two workers with 200, and the family lives on', async () => {
    const { client, tokens } = await obtainTokens(stack, { scope: 'openid offline_access' });
    const original = String(tokens.refresh_token);
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, index) => refreshAt(index % 2 === 0 ? stack.issuer : peer, client, original)),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const successors = answers.map((answer) => answer.body.refresh_token ?? '');
    expect(new Set(successors).size).toBe(6);
    expect(successors).not.toContain(original);
    for (const answer of answers) expect(await userinfoStatus(stack, answer.body.access_token ?? '')).toBe(200);

    // Each successor is live: the newest token of the family refreshes on either worker.
    const next = await refreshAt(peer, client, successors[5] ?? '');
    expect(next.status).toBe(200);
    const again = await refreshAt(stack.issuer, client, next.body.refresh_token ?? '');
    expect(again.status).toBe(200);
    expect(await userinfoStatus(stack, again.body.access_token ?? '')).toBe(200);
  });

  it('treats a reuse after the window as a replay: invalid_grant, and the family and its access tokens die', async () => {
    const { client, tokens } = await obtainTokens(stack, { scope: 'openid offline_access' });
    const original = String(tokens.refresh_token);
    const first = await refreshAt(stack.issuer, client, original);
    expect(first.status).toBe(200);
    const withinWindow = await refreshAt(peer, client, original);
    expect(withinWindow.status).toBe(200);

    await delay(REUSE_INTERVAL_MS + 200);
    const replay = await refreshAt(peer, client, original);
    expect(replay).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'the refresh token was already used' } });
    for (const live of [first, withinWindow]) {
      expect(await refreshAt(stack.issuer, client, live.body.refresh_token ?? '')).toEqual({
        status: 400,
        body: { error: 'invalid_grant', error_description: 'the refresh token is invalid' },
      });
      expect(await userinfoStatus(stack, live.body.access_token ?? '')).toBe(401);
    }
  });
});

describe('concurrent refresh with the reuse window off (sqlite)', () => {
  let stack: WorkerStack;
  let peer: string;
  beforeAll(async () => {
    stack = await startWorkerStack('sqlite', { refreshTokenReuseIntervalMs: 0 });
    peer = (await stack.startPeer()).base;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('gives one of two parallel refreshes the token and revokes the family for the other', async () => {
    const { client, tokens } = await obtainTokens(stack, { scope: 'openid offline_access' });
    const original = String(tokens.refresh_token);
    const answers = await Promise.all([refreshAt(stack.issuer, client, original), refreshAt(peer, client, original)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400]);
    const winner = answers.find((answer) => answer.status === 200);
    expect(await refreshAt(stack.issuer, client, winner?.body.refresh_token ?? '')).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'the refresh token is invalid' },
    });
  });
});
