import { createDatabase, type Database } from '@dex/shared/db';
import { createClient } from '@dex/shared/domain/clients';
import { setConnectorConfigs, type TConnectorConfig } from '@dex/shared/domain/connectors';
import { ensureActiveSigningKey } from '@dex/shared/domain/keys';
import { createUser, type UserRecord } from '@dex/shared/domain/users';
import { createLogger } from '@dex/shared/logging';
import { createTestDatabase, freePort, type TestDatabase, testSecrets } from '@dex/shared/testing';
import type { WorkerConfig } from '../../src/env.ts';
import { type RunningWorker, startWorker } from '../../src/main.ts';

export interface WorkerStack {
  readonly issuer: string;
  readonly db: Database;
  readonly worker: RunningWorker;
  addClient(options?: {
    redirectUris?: string[];
    public?: boolean;
    name?: string;
    trustedPeers?: string[];
    /** Skips the approval screen (default true here: most tests are not about consent). */
    trusted?: boolean;
    accessTokenFormat?: 'opaque' | 'jwt';
  }): Promise<{ id: string; secret: string; redirectUri: string }>;
  addUser(options?: { email?: string; password?: string; disabled?: boolean }): Promise<UserRecord & { password: string }>;
  setConnectors(configs: TConnectorConfig[]): Promise<void>;
  /**
   * Another worker on the same database and issuer, on a port of its own (two workers behind
   * a load balancer): `base` is its issuer URL's equivalent at its own address. Stopped with the stack.
   */
  startPeer(): Promise<{ base: string }>;
  /** Starts one more worker on the same database and settings, on its own port (its issuer is its own URL); stopped by `stop`. */
  startAnotherWorker(): Promise<RunningWorker>;
  stop(): Promise<void>;
}

let counter = 0;

/**
 * A worker started in-process on port 0 against a fresh, migrated database, with an active
 * signing key (what the overlord would have made) and the local connector configured.
 */
export async function startWorkerStack(
  provider: 'sqlite' | 'postgresql',
  overrides: Partial<WorkerConfig> = {},
  options: { keyAlg?: 'RS256' | 'ES256'; pgUrl?: string } = {},
): Promise<WorkerStack> {
  const testDb: TestDatabase = await createTestDatabase(provider, { pgUrl: options.pgUrl ?? process.env.DEX_TEST_PG_URL });
  const secrets = testSecrets();
  const db = await createDatabase({ url: testDb.url });
  await ensureActiveSigningKey(db.prisma, { secrets: [secrets.keySecret], alg: options.keyAlg ?? 'RS256' });
  await setConnectorConfigs(db.prisma, [{ type: 'local', id: 'local' }]);
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}/dex`;
  const logger = createLogger({ name: 'dex-worker', silent: true });
  const config: WorkerConfig = {
    listen: new URL(`http://127.0.0.1:${port}`),
    issuer,
    dbUrl: testDb.url,
    keySecrets: [secrets.keySecret],
    issuerName: 'dex',
    idTokenTtlMs: 3_600_000,
    refreshTokenTtlMs: 24 * 3_600_000,
    refreshTokenIdleTtlMs: 3_600_000,
    // Tests that reuse a rotated token at once expect a replay; the window has its own tests.
    refreshTokenReuseIntervalMs: 0,
    ssoSessionTtlMs: 3_600_000,
    enableClientRegistration: false,
    // Generous: only the registration limit's own test meets it.
    registration: { perAddress: 1_000, windowMs: 3_600_000 },
    enableAutomaticRegistration: false,
    loginLimits: { perAccount: 10, perAddress: 100, windowMs: 15 * 60_000 },
    trustedProxies: [],
    device: { codeTtlMs: 600_000, pollIntervalSeconds: 1 },
    allowedOrigins: [],
    logDebug: false,
    ...overrides,
  };
  const others: RunningWorker[] = [];
  const worker = await startWorker(config, { logger }).catch(async (error: unknown) => {
    await db.close();
    await testDb.drop();
    throw error;
  });
  return {
    issuer,
    db,
    worker,
    async addClient(options = {}) {
      const redirectUris = options.redirectUris ?? ['http://127.0.0.1:5555/callback'];
      const { client, secret } = await createClient(db.prisma, {
        redirectUris,
        trusted: options.trusted ?? true,
        ...(options.public === undefined ? {} : { public: options.public }),
        ...(options.name === undefined ? {} : { name: options.name }),
        ...(options.trustedPeers === undefined ? {} : { trustedPeers: options.trustedPeers }),
        ...(options.accessTokenFormat === undefined ? {} : { accessTokenFormat: options.accessTokenFormat }),
      });
      // A public client has no secret: its `secret` is empty, as a relying party would send it.
      return { id: client.id, secret: secret ?? '', redirectUri: redirectUris[0] ?? '' };
    },
    async addUser(options = {}) {
      counter++;
      const password = options.password ?? 'correct horse battery';
      const user = await createUser(db.prisma, {
        email: options.email ?? `user${counter}-${Date.now()}@example.com`,
        password,
        displayName: `User ${counter}`,
        emailVerified: true,
      });
      if (options.disabled) await db.prisma.user.update({ where: { id: user.id }, data: { disabled: true } });
      return { ...user, disabled: options.disabled ?? false, password };
    },
    async setConnectors(configs) {
      await setConnectorConfigs(db.prisma, configs);
    },
    async startPeer() {
      const peerPort = await freePort();
      others.push(await startWorker({ ...config, listen: new URL(`http://127.0.0.1:${peerPort}`) }, { logger }));
      return { base: `http://127.0.0.1:${peerPort}/dex` };
    },
    async startAnotherWorker() {
      const otherPort = await freePort();
      const other = await startWorker(
        { ...config, listen: new URL(`http://127.0.0.1:${otherPort}`), issuer: `http://127.0.0.1:${otherPort}/dex` },
        { logger },
      );
      others.push(other);
      return other;
    },
    async stop() {
      for (const other of others.splice(0)) await other.stop();
      await worker.stop();
      await db.close();
      await testDb.drop();
    },
  };
}
