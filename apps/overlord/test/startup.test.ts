import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import {
  createTestDatabase,
  freePort,
  REPO_ROOT,
  runBin,
  type Service,
  startDexProcess,
  testProviders,
  testSecrets,
} from '@dex/shared/testing';
import { describe, expect, it } from 'vitest';

/** The migration folders of a provider, in order: what a fresh database must end up with. */
const migrationNames = (provider: 'sqlite' | 'postgresql') =>
  readdirSync(join(REPO_ROOT, 'prisma', 'migrations', provider), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

const overlordExit = (args: string[]) => runBin('overlord', args);

// Each case is its own short-lived process: they run side by side.
describe.concurrent('dex-overlord start-up errors', () => {
  const secrets = testSecrets();
  const valid = [
    '--db-url',
    'file:/tmp/never-created/dex.db',
    '--key-secrets',
    secrets.keySecretText,
    '--admin-api-secret',
    secrets.adminApiSecret,
  ];

  it('prints usage for --help', async () => {
    const result = await overlordExit(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: dex-overlord');
    expect(result.stdout).toContain('DEX_OVERLORD_ADMIN_API_SECRET');
  });

  it.each([
    [['--bogus'], 'dex-overlord: unknown flag: --bogus'],
    [valid.filter((_, i) => i < 4), 'dex-overlord: --admin-api-secret: is required'],
    [
      ['--db-url', 'mysql://x', ...valid.slice(2)],
      'dex-overlord: --db-url: invalid database URL "mysql://x": expected file:PATH (SQLite) or postgres://... (PostgreSQL)',
    ],
    [
      [...valid.slice(0, 2), '--key-secrets', Buffer.alloc(16).toString('base64'), ...valid.slice(4)],
      'dex-overlord: --key-secrets: secret #1: expected 32-byte secret, got 16-byte secret',
    ],
    [
      [...valid.slice(0, 4), '--admin-api-secret', 'c2hvcnQ='],
      'dex-overlord: --admin-api-secret: expected 128-byte secret, got 5-byte secret',
    ],
    [[...valid, '--key-period', 'soon'], 'dex-overlord: --key-period: "soon" is not a duration (examples: 24h, 30m, 1h30m)'],
    ...[
      ['--key-publish-delay', '4s'],
      ['--key-period', '1m', '--key-publish-delay', '31s'],
    ].map((flags): [string[], string] => [
      [...valid, ...flags],
      "dex-overlord: --key-publish-delay: must be from 5s (the workers' polling and margin) to half the --key-period, at most 24h",
    ]),
  ])('exits 2 naming the flag: %j', async (args, message) => {
    const result = await overlordExit(args);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 1 with a clear message when the database is unreachable', async () => {
    const result = await overlordExit(['--db-url', 'postgres://dex@127.0.0.1:1/dex', ...valid.slice(2)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^dex-overlord: cannot reach the database at postgres:\/\/dex@127\.0\.0\.1:1\/dex/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('reads flags from DEX_OVERLORD_* variables, flags winning', async () => {
    const env = {
      DEX_OVERLORD_DB_URL: 'from-env',
      DEX_OVERLORD_KEY_SECRETS: secrets.keySecretText,
      DEX_OVERLORD_ADMIN_API_SECRET: secrets.adminApiSecret,
    };
    const [fromEnv, flagWins] = await Promise.all([
      runBin('overlord', [], { env }),
      runBin('overlord', ['--db-url', 'from-flag'], { env }),
    ]);
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain('--db-url: invalid database URL "from-env"');
    expect(flagWins.code).toBe(2);
    expect(flagWins.stderr).toContain('--db-url: invalid database URL "from-flag"');
  });
});

// One store at a time, after the cases above: three overlord starts in a row already fill the
// test's time budget on a busy machine.
describe.each(testProviders(process.env))('dex-overlord migrations and keys (%s)', (provider) => {
  it('applies each migration once, keeps one key, and refuses keys it cannot decrypt', async () => {
    const MIGRATIONS = migrationNames(provider);
    expect(MIGRATIONS.length).toBeGreaterThanOrEqual(2);
    const database = await createTestDatabase(provider, { pgUrl: process.env.DEX_TEST_PG_URL, migrate: false });
    const secrets = testSecrets();
    let overlord: Service | undefined;
    try {
      const start = async (keySecret: string) =>
        startDexProcess(
          'overlord',
          [
            '--db-url',
            database.url,
            '--key-secrets',
            keySecret,
            '--admin-api-secret',
            secrets.adminApiSecret,
            '--admin-listen',
            `http://127.0.0.1:${await freePort()}`,
          ],
          'admin API listening',
        );
      overlord = await start(secrets.keySecretText);
      expect(overlord.output()).toContain(`"applied":${JSON.stringify(MIGRATIONS)}`);
      expect(overlord.output()).toContain('generated signing keys');
      expect(await overlord.stop()).toBe(0);

      // A new secret first: the stored key is re-encrypted under it...
      const newSecret = randomBytes(32).toString('base64');
      overlord = await start(`${newSecret},${secrets.keySecretText}`);
      expect(overlord.output()).toContain('"applied":[]');
      expect(overlord.output()).not.toContain('generated signing keys');
      expect(overlord.output()).toContain('signing keys re-encrypted under the first key secret');
      expect(await overlord.stop()).toBe(0);

      // ...so the old secret can then be dropped.
      overlord = await start(newSecret);
      expect(overlord.output()).not.toContain('generated signing keys');
      expect(await overlord.stop()).toBe(0);

      const rows = await readMigrations(database.url);
      expect(rows).toEqual(MIGRATIONS.map((name) => ({ migration_name: name, finished: true })));

      const wrong = await overlordExit([
        '--db-url',
        database.url,
        '--key-secrets',
        randomBytes(32).toString('base64'),
        '--admin-api-secret',
        secrets.adminApiSecret,
      ]);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('cannot decrypt the signing keys with any of the given key secrets');
    } finally {
      await overlord?.stop();
      await database.drop();
    }
  });
});

async function readMigrations(url: string): Promise<{ migration_name: string; finished: boolean }[]> {
  if (url.startsWith('file:')) {
    const db = new Database(url.slice('file:'.length), { readonly: true });
    try {
      const rows = db.prepare('SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name').all() as {
        migration_name: string;
        finished_at: unknown;
      }[];
      return rows.map((row) => ({ migration_name: row.migration_name, finished: row.finished_at !== null }));
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ migration_name: string; finished_at: Date | null }>(
      'SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name',
    );
    return result.rows.map((row) => ({ migration_name: row.migration_name, finished: row.finished_at !== null }));
  } finally {
    await client.end();
  }
}
