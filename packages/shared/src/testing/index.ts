import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrateDatabase } from '#db/migrate.ts';

export interface TestDatabase {
  readonly provider: 'sqlite' | 'postgresql';
  readonly url: string;
  /** Deletes the database (file or PostgreSQL database). */
  drop(): Promise<void>;
}

/**
 * The providers tests run against: SQLite always, PostgreSQL when `DEX_TEST_PG_URL` names a
 * server (CI sets it). Pass the environment explicitly so tests read it in one place.
 */
export function testProviders(env: Readonly<Record<string, string | undefined>>): ('sqlite' | 'postgresql')[] {
  return env.DEX_TEST_PG_URL ? ['sqlite', 'postgresql'] : ['sqlite'];
}

/**
 * A fresh, empty database for one test file: a SQLite file in a temporary directory, or a
 * uniquely named database on the PostgreSQL server of `pgUrl`. Migrated unless told not to.
 * @example const db = await createTestDatabase('sqlite'); ...; await db.drop();
 */
export async function createTestDatabase(
  provider: 'sqlite' | 'postgresql',
  options: { pgUrl?: string; migrate?: boolean } = {},
): Promise<TestDatabase> {
  let database: TestDatabase;
  if (provider === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'dex-test-'));
    database = {
      provider,
      url: `file:${join(dir, 'dex.db')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  } else {
    if (options.pgUrl === undefined) throw new Error('createTestDatabase: a PostgreSQL test database needs pgUrl (DEX_TEST_PG_URL)');
    const name = `dex_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: options.pgUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    const url = new URL(options.pgUrl);
    url.pathname = `/${name}`;
    database = {
      provider,
      url: url.toString(),
      drop: async () => {
        const client = new pg.Client({ connectionString: options.pgUrl });
        await client.connect();
        try {
          await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } finally {
          await client.end();
        }
      },
    };
  }
  if (options.migrate !== false) await migrateDatabase({ url: database.url });
  return database;
}

/** A random key secret (base64 of 32 bytes) and admin API secret (base64 of 128 bytes). */
export function testSecrets(): { keySecret: Buffer; keySecretText: string; adminApiSecret: string } {
  const keySecret = randomBytes(32);
  return { keySecret, keySecretText: keySecret.toString('base64'), adminApiSecret: randomBytes(128).toString('base64') };
}

/** A TCP port that was free a moment ago on 127.0.0.1 (for servers whose URL must be known before they start). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export { DEX_BINS, REPO_ROOT, type Service, startDexProcess, startService } from './dex-process.ts';
export { type CommandResult, type RunCommandOptions, runBin, runCommand } from './run-command.ts';
export { passwordHashingEnv, TEST_PASSWORD_HASHING_VARIABLE, useInsecureTestPasswordHashing } from './test-password-hashing.ts';
export { type LoginWalk, walkLogin } from './browserless-login.ts';
export { type PgCluster, startPgCluster } from './pg-cluster.ts';
export { type RawExchange, trickle } from './raw-http.ts';
export {
  adminApiWriterRound,
  basicAuth,
  dexctlWriterRound,
  loginForRefreshToken,
  offlineAuthorizationRequest,
  type RefreshChainStats,
  type RefreshChains,
  type RefreshClient,
  runWriters,
  startRefreshChains,
  summarizeWrites,
  type TimedWrite,
  type WriteSummary,
} from './write-contention.ts';
