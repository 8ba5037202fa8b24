import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { type TCreatedClient, type TRotateKeysResult, ZCreatedClient, ZRotateKeysResult } from '@dex/shared/admin-api';
import {
  createTestDatabase,
  freePort,
  type Service,
  startDexProcess,
  type TestDatabase,
  testProviders,
  testSecrets,
} from '@dex/shared/testing';
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth } from '../support/flows.ts';

/**
 * The key rotation protocol, black-box: an overlord and two workers as real processes on one
 * database (a SQLite file, and PostgreSQL whenever DEX_TEST_PG_URL names a server), driven
 * only over HTTP. While the admin API rotates the keys, every
 * worker is asked for tokens (client_credentials, whose answer carries dex v0's ID token) and
 * for its JWKS without pause, and each token's kid is checked against what each worker
 * published before the token was even requested.
 */

const PG_URL = process.env.DEX_TEST_PG_URL;
/** The shortest publish delay the overlord takes is 5 s; one more keeps the test short and the JWKS cacheable for 1 s. */
const PUBLISH_DELAY_S = 6;
/**
 * The protocol's deadline for a worker to see a change is its 1 s polling interval plus a
 * database read; the test allows 3 s for a noisy two-core machine.
 */
const PICKUP_DEADLINE_MS = 3_000;
/** A pause between requests of one loop, so four loops do not take both cores from everyone else. */
const PACE_MS = 5;

interface JwksSnapshot {
  /** `performance.now()` when the request was sent and when its answer was in. */
  sentAt: number;
  receivedAt: number;
  jwks: JSONWebKeySet;
  kids: ReadonlySet<string>;
}

interface IssuedToken {
  worker: number;
  sentAt: number;
  receivedAt: number;
  /** Wall clock when the answer was in, to compare with the rotation's instants. */
  receivedWallAt: number;
  kid: string;
  idToken: string;
}

describe.each(testProviders(process.env))('key rotation across two workers (%s, black box)', (provider) => {
  const secrets = testSecrets();
  let database: TestDatabase;
  let overlord: Service;
  let adminUrl: string;
  const workers: { service: Service; base: string }[] = [];
  let issuer: string;
  let client: TCreatedClient;

  beforeAll(async () => {
    database = await createTestDatabase(provider, { pgUrl: PG_URL, migrate: false });
    const adminPort = await freePort();
    adminUrl = `http://127.0.0.1:${adminPort}`;
    overlord = await startDexProcess(
      'overlord',
      [
        '--db-url',
        database.url,
        '--key-secrets',
        secrets.keySecretText,
        '--admin-api-secret',
        secrets.adminApiSecret,
        '--admin-listen',
        adminUrl,
        '--key-publish-delay',
        `${PUBLISH_DELAY_S}s`,
        '--disable-console',
      ],
      'admin API listening',
    );
    const ports = [await freePort(), await freePort()];
    // One issuer for both, as behind a load balancer.
    issuer = `http://127.0.0.1:${ports[0]}/dex`;
    const started = await Promise.all(
      ports.map((port) =>
        startDexProcess(
          'worker',
          ['--db-url', database.url, '--key-secrets', secrets.keySecretText, '--listen', `http://127.0.0.1:${port}`, '--issuer', issuer],
          'worker listening',
        ),
      ),
    );
    started.forEach((service, i) => {
      workers.push({ service, base: `http://127.0.0.1:${ports[i]}/dex` });
    });
    const created = await admin('/api/v1/clients', {
      redirectUris: ['https://rp.example/callback'],
      name: 'rotation probe',
      trusted: true,
    });
    client = ZCreatedClient.parse(created);
  });

  afterAll(async () => {
    await Promise.allSettled(workers.map((worker) => worker.service.stop()));
    await overlord?.stop();
    await database?.drop();
  });

  async function admin(path: string, body: unknown): Promise<unknown> {
    const response = await fetch(`${adminUrl}${path}`, {
      method: 'POST',
      headers: { authorization: secrets.adminApiSecret, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as unknown;
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  }

  async function rotate(mode: 'publish-first' | 'immediate'): Promise<{ rotation: TRotateKeysResult; answeredAt: number }> {
    const rotation = ZRotateKeysResult.parse(await admin('/api/v1/keys/rotate', { mode }));
    return { rotation, answeredAt: performance.now() };
  }

  /** Asks every worker for its JWKS and for tokens without pause until `stop()`; keeps every answer. */
  function observe() {
    const snapshots: JwksSnapshot[][] = workers.map(() => []);
    const tokens: IssuedToken[] = [];
    const failures: string[] = [];
    let running = true;
    const jwksLoop = async (w: number) => {
      while (running) {
        const sentAt = performance.now();
        try {
          const response = await fetch(`${workers[w]?.base}/keys`);
          const jwks = (await response.json()) as JSONWebKeySet;
          snapshots[w]?.push({ sentAt, receivedAt: performance.now(), jwks, kids: new Set(jwks.keys.map((key) => key.kid ?? '')) });
        } catch (error) {
          failures.push(`JWKS of worker ${w}: ${String(error)}`);
        }
        await delay(PACE_MS);
      }
    };
    const tokenLoop = async (w: number) => {
      while (running) {
        const sentAt = performance.now();
        try {
          const response = await fetch(`${workers[w]?.base}/token`, {
            method: 'POST',
            headers: { authorization: basicAuth({ id: client.client.id, secret: client.secret }) },
            body: new URLSearchParams({ grant_type: 'client_credentials' }),
          });
          const body = (await response.json()) as { id_token?: string };
          if (response.status !== 200 || body.id_token === undefined) {
            failures.push(`token from worker ${w}: ${response.status} ${JSON.stringify(body)}`);
          } else {
            const kid = decodeProtectedHeader(body.id_token).kid ?? '';
            tokens.push({ worker: w, sentAt, receivedAt: performance.now(), receivedWallAt: Date.now(), kid, idToken: body.id_token });
          }
        } catch (error) {
          failures.push(`token from worker ${w}: ${String(error)}`);
        }
        await delay(PACE_MS);
      }
    };
    const loops = workers.flatMap((_, w) => [jwksLoop(w), tokenLoop(w)]);
    return {
      snapshots,
      tokens,
      failures,
      /** When the first JWKS of `worker` requested after `after` satisfies `test`, or null. */
      firstSnapshot(worker: number, after: number, test: (kids: ReadonlySet<string>) => boolean): JwksSnapshot | null {
        return snapshots[worker]?.find((snapshot) => snapshot.sentAt >= after && test(snapshot.kids)) ?? null;
      },
      async until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
        const deadline = Date.now() + timeoutMs;
        while (!condition()) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
          await delay(50);
        }
      },
      async stop(): Promise<void> {
        running = false;
        await Promise.all(loops);
      },
    };
  }

  /** The last JWKS of `worker` whose answer was in before `instant`. */
  const publishedBefore = (snapshots: readonly JwksSnapshot[], instant: number) => snapshots.findLast((s) => s.receivedAt <= instant);
  const lastKid = (tokens: readonly IssuedToken[], worker: number) => tokens.findLast((token) => token.worker === worker)?.kid;

  it('publishes first: no token from either worker carries a kid the other did not already publish, and both switch at the announced instant', async ({
    annotate,
  }) => {
    const observer = observe();
    try {
      await observer.until(() => observer.tokens.length >= 20 && observer.snapshots.every((s) => s.length >= 5), 15_000, 'first answers');
      const { rotation, answeredAt } = await rotate('publish-first');
      const activatesAt = Date.parse(rotation.activatesAt);
      expect(rotation.mode).toBe('publish-first');
      expect(activatesAt - Date.parse(rotation.publishedAt)).toBe(PUBLISH_DELAY_S * 1000);

      // Every worker publishes the new key within the pickup deadline, long before it signs.
      const pickup: number[] = [];
      for (const [w] of workers.entries()) {
        await observer.until(
          () => observer.firstSnapshot(w, answeredAt, (kids) => kids.has(rotation.kid)) !== null,
          PICKUP_DEADLINE_MS + 2_000,
          `worker ${w} to publish ${rotation.kid}`,
        );
        pickup.push((observer.firstSnapshot(w, answeredAt, (kids) => kids.has(rotation.kid))?.sentAt ?? 0) - answeredAt);
      }
      await annotate(
        `new key in each worker's JWKS ${pickup.map((ms) => `${Math.round(ms)} ms`).join(' and ')} after the rotation answered`,
      );
      expect(Math.max(...pickup)).toBeLessThan(PICKUP_DEADLINE_MS);

      // Then both sign with it.
      await observer.until(
        () => workers.every((_, w) => lastKid(observer.tokens, w) === rotation.kid),
        activatesAt - Date.now() + 10_000,
        `both workers to sign with ${rotation.kid}`,
      );
      await delay(500);
      await observer.stop();
      expect(observer.failures).toEqual([]);

      const { tokens, snapshots } = observer;
      const kids = new Set(tokens.map((token) => token.kid));
      expect(kids).toEqual(new Set([rotation.previousKid, rotation.kid]));
      for (const token of tokens) {
        for (const [w, published] of snapshots.entries()) {
          const before = publishedBefore(published, token.sentAt);
          if (before === undefined) continue;
          // Published by worker w before the token was requested, hence when it was signed.
          expect(before.kids.has(token.kid), `token of worker ${token.worker} with kid ${token.kid} vs JWKS of worker ${w}`).toBe(true);
          if (token.worker !== w) await jwtVerify(token.idToken, createLocalJWKSet(before.jwks), { issuer });
        }
        // Never signed with the new key before the instant the rotation announced.
        if (token.kid === rotation.kid) expect(token.receivedWallAt).toBeGreaterThanOrEqual(activatesAt);
      }
      const checked = tokens.filter((token) => snapshots.every((published) => publishedBefore(published, token.sentAt) !== undefined));
      expect(checked.length).toBeGreaterThan(tokens.length * 0.9);
      // The old key is still published, so every token it signed still verifies.
      for (const published of snapshots) expect(published.at(-1)?.kids.has(rotation.previousKid ?? '')).toBe(true);
    } finally {
      await observer.stop();
    }
  });

  it('rotates immediately for a leaked key: the old kids leave both JWKS within the pickup deadline', async ({ annotate }) => {
    const observer = observe();
    try {
      await observer.until(() => observer.tokens.length >= 20 && observer.snapshots.every((s) => s.length >= 5), 15_000, 'first answers');
      const { rotation, answeredAt } = await rotate('immediate');
      expect(rotation.mode).toBe('immediate');
      expect(rotation.withdrawn.length).toBeGreaterThanOrEqual(1);
      const isReplaced = (kids: ReadonlySet<string>) => kids.has(rotation.kid) && rotation.withdrawn.every((kid) => !kids.has(kid));

      const pickup: number[] = [];
      for (const [w] of workers.entries()) {
        await observer.until(
          () => observer.firstSnapshot(w, answeredAt, isReplaced) !== null,
          PICKUP_DEADLINE_MS + 2_000,
          `worker ${w} to withdraw ${rotation.withdrawn.join(', ')}`,
        );
        pickup.push((observer.firstSnapshot(w, answeredAt, isReplaced)?.sentAt ?? 0) - answeredAt);
      }
      await annotate(
        `old keys gone from each worker's JWKS ${pickup.map((ms) => `${Math.round(ms)} ms`).join(' and ')} after the rotation answered`,
      );
      expect(Math.max(...pickup)).toBeLessThan(PICKUP_DEADLINE_MS);
      await observer.until(
        () => workers.every((_, w) => lastKid(observer.tokens, w) === rotation.kid),
        5_000,
        'both workers to sign with the fresh key',
      );
      await observer.stop();
      expect(observer.failures).toEqual([]);

      // Once a worker answered without the withdrawn kids, they never come back, and no token
      // requested from it after that carries one.
      for (const [w, published] of observer.snapshots.entries()) {
        const gone = observer.firstSnapshot(w, answeredAt, isReplaced)?.receivedAt ?? Number.POSITIVE_INFINITY;
        for (const snapshot of published.filter((s) => s.sentAt >= gone)) expect(isReplaced(snapshot.kids)).toBe(true);
        for (const token of observer.tokens.filter((t) => t.worker === w && t.sentAt >= gone)) expect(token.kid).toBe(rotation.kid);
      }
    } finally {
      await observer.stop();
    }
  });
});
