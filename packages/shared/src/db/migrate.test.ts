/**
 * migrateDatabase and diffMigrations against real databases: SQLite always (in a temporary
 * folder), PostgreSQL when DEX_TEST_PG_URL names a server (a database with a random name is
 * created there and dropped afterwards).
 */
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '#errors/index.ts';
import type { DatabaseProvider } from './database-url.ts';
import { defaultMigrationsDir, diffMigrations, isEmptyMigration, migrateDatabase } from './migrate.ts';

const PG_SERVER_URL = process.env.DEX_TEST_PG_URL;
const REPO_ROOT = new URL('../../../../', import.meta.url);

/** A database under test: its URL, a raw query helper and its clean-up. */
interface TestTarget {
  url: string;
  query(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

async function sqliteTarget(): Promise<TestTarget> {
  const dir = mkdtempSync(join(tmpdir(), 'dex-migrate-'));
  // A nested path: migrateDatabase must create the parent folder.
  const filename = join(dir, 'nested', 'dex.db');
  return {
    url: `file:${filename}`,
    async query(sql) {
      const db = new Sqlite(filename, { readonly: true });
      try {
        return db.prepare(sql).all() as Record<string, unknown>[];
      } finally {
        db.close();
      }
    },
    async close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A URL for database `name` on the server of `serverUrl`. */
function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function onServer<T>(serverUrl: string, action: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}

async function postgresTarget(serverUrl: string): Promise<TestTarget> {
  const name = `dex_migrate_test_${randomBytes(6).toString('hex')}`;
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = withDatabase(serverUrl, name);
  return {
    url,
    query: (sql) => onServer(url, async (client) => (await client.query(sql)).rows as Record<string, unknown>[]),
    async close() {
      await onServer(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** The migrations of the repository, with the checksum Prisma records for each. */
function repositoryMigrations(provider: DatabaseProvider): { name: string; checksum: string }[] {
  const dir = defaultMigrationsDir(provider);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({
      name,
      checksum: createHash('sha256')
        .update(readFileSync(join(dir, name, 'migration.sql')))
        .digest('hex'),
    }));
}

async function loadSchema(provider: DatabaseProvider): Promise<string> {
  const generator = new URL('scripts/prisma-generate.mjs', REPO_ROOT).href;
  const { deriveSchema } = (await import(/* @vite-ignore */ generator)) as {
    deriveSchema: (text: string, provider: DatabaseProvider) => string;
  };
  return deriveSchema(readFileSync(new URL('prisma/schema.prisma', REPO_ROOT), 'utf8'), provider);
}

const providers: { provider: DatabaseProvider; open: () => Promise<TestTarget> }[] = [{ provider: 'sqlite', open: sqliteTarget }];
if (PG_SERVER_URL !== undefined) {
  const serverUrl = PG_SERVER_URL;
  providers.push({ provider: 'postgresql', open: () => postgresTarget(serverUrl) });
}

describe.each(providers)('migrateDatabase on $provider', ({ provider, open }) => {
  let target: TestTarget;

  beforeAll(async () => {
    target = await open();
  });

  afterAll(async () => {
    await target?.close();
  });

  it('applies every migration of the repository and records it like prisma migrate deploy', async () => {
    const expected = repositoryMigrations(provider);
    expect(expected.map((migration) => migration.name)).toContain('0001_init');

    const result = await migrateDatabase({ url: target.url });
    expect(result).toEqual({ provider, applied: expected.map((migration) => migration.name) });

    const rows = await target.query(
      'SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY started_at, migration_name',
    );
    expect(rows.map((row) => ({ name: row.migration_name, checksum: row.checksum }))).toEqual(expected);
    for (const row of rows) {
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(Number(row.applied_steps_count)).toBe(1);
    }
  });

  it('creates the tables of the schema', async () => {
    const sql =
      provider === 'sqlite'
        ? "SELECT name FROM sqlite_master WHERE type = 'table'"
        : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'";
    const tables = (await target.query(sql)).map((row) => row.name);
    expect(tables).toEqual(
      expect.arrayContaining(['users', 'password_credentials', 'clients', 'refresh_tokens', 'audit_events', '_prisma_migrations']),
    );
  });

  it('applies nothing the second time', async () => {
    const lines: string[] = [];
    const result = await migrateDatabase({ url: target.url, log: (line) => lines.push(line) });
    expect(result).toEqual({ provider, applied: [] });
    expect(lines.some((line) => line.includes('up to date'))).toBe(true);
    const rows = await target.query('SELECT migration_name FROM _prisma_migrations');
    expect(rows).toHaveLength(repositoryMigrations(provider).length);
  });
});

describe('migrateDatabase errors', () => {
  it('rejects an unreachable PostgreSQL server with DATABASE_UNREACHABLE, quickly', async () => {
    const started = Date.now();
    const error = await migrateDatabase({ url: 'postgres://dex:s3cret@127.0.0.1:1/x' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'DATABASE_UNREACHABLE' });
    const message = (error as AppError).message;
    expect(message).toMatch(/^cannot reach the database at postgres:\/\/dex:\*\*\*@127\.0\.0\.1:1\/x: /);
    expect(message).not.toContain('s3cret');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('names the migration that fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dex-migrate-bad-'));
    try {
      const migrationsDir = join(dir, 'migrations');
      cpSync(defaultMigrationsDir('sqlite'), migrationsDir, { recursive: true });
      mkdirSync(join(migrationsDir, '9999_broken'));
      writeFileSync(join(migrationsDir, '9999_broken', 'migration.sql'), 'CREATE TABLE "users" ("id" TEXT);\n');
      const error = await migrateDatabase({ url: `file:${join(dir, 'dex.db')}`, migrationsDir }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'INTERNAL' });
      expect((error as AppError).message).toMatch(/^migration 9999_broken failed on file:.*users.*already exists/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(providers.map(({ provider }) => ({ provider })))('diffMigrations on $provider', ({ provider }) => {
  it('finds the schema and the migrations in sync', async () => {
    const shadowDatabases = async () =>
      PG_SERVER_URL === undefined
        ? []
        : onServer(
            PG_SERVER_URL,
            async (client) => (await client.query("SELECT datname FROM pg_database WHERE datname LIKE 'dex_shadow_%'")).rows,
          );
    const before = await shadowDatabases();
    const sql = await diffMigrations({
      provider,
      migrationsDir: defaultMigrationsDir(provider),
      schemaText: await loadSchema(provider),
      ...(PG_SERVER_URL === undefined ? {} : { shadowUrl: PG_SERVER_URL }),
    });
    // Nothing but comments and blank lines (the engine says "-- This is an empty migration.").
    expect(sql.replace(/--.*$/gm, '').trim()).toBe('');
    expect(isEmptyMigration(sql)).toBe(true);
    // The temporary shadow database is gone again.
    expect(await shadowDatabases()).toEqual(before);
  });

  it('produces the whole schema from an empty history', async () => {
    const sql = await diffMigrations({
      provider,
      migrationsDir: join(tmpdir(), `dex-no-migrations-${randomBytes(4).toString('hex')}`),
      schemaText: await loadSchema(provider),
      ...(PG_SERVER_URL === undefined ? {} : { shadowUrl: PG_SERVER_URL }),
    });
    expect(sql).toContain('CREATE TABLE "users"');
    expect(sql).toContain('CREATE UNIQUE INDEX "refresh_tokens_token_hash_key"');
    expect(sql).toMatch(/"password_credentials_user_id_fkey" FOREIGN KEY .* ON DELETE CASCADE/);
    // Replayed from an empty history, not diffed from `empty`: no CREATE SCHEMA "public".
    expect(sql).not.toContain('CREATE SCHEMA');
  });
});
