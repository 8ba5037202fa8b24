#!/usr/bin/env tsx
/**
 * Writes the next migration for every provider from the one prisma/schema.prisma.
 *
 *   npm run db:migrations -- <name>        (tsx scripts/generate-migrations.ts <name>)
 *
 * For SQLite and PostgreSQL alike, the existing history in prisma/migrations/<provider>/ is
 * replayed on a shadow database and diffed against the current schema (Prisma's own
 * WebAssembly schema engine, see packages/shared/src/db/migrate.ts). A non-empty difference
 * becomes prisma/migrations/<provider>/<NNNN>_<name>/migration.sql, NNNN being the next
 * four-digit number. The PostgreSQL shadow database is created (and dropped) on the server
 * named by DEX_TEST_PG_URL, default postgres://root@127.0.0.1:5432/test.
 *
 * Exit codes: 0 done (or nothing to do), 1 failure, 2 usage.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatabaseProvider } from '../packages/shared/src/db/database-url.ts';
import {
  defaultMigrationsDir,
  diffMigrations,
  isEmptyMigration,
  MIGRATION_FILE,
  MIGRATION_LOCK_FILE,
  migrationLockContent,
} from '../packages/shared/src/db/migrate.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PROVIDERS: readonly DatabaseProvider[] = ['sqlite', 'postgresql'];
const NAME_PATTERN = /^[a-z0-9_]+$/;
const USAGE = 'usage: npm run db:migrations -- <name>   (name: lower-case letters, digits and _)';

/** One migration to write, computed before anything is written. */
interface PlannedMigration {
  provider: DatabaseProvider;
  dir: string;
  sql: string;
}

/**
 * The schema generator is plain JavaScript; its path is computed so that the type checker
 * does not look for declarations, and the one function used is typed here.
 */
async function loadDeriveSchema(): Promise<(text: string, provider: DatabaseProvider) => string> {
  const generator = new URL('./prisma-generate.mjs', import.meta.url).href;
  const module = (await import(generator)) as { deriveSchema: (text: string, provider: DatabaseProvider) => string };
  return module.deriveSchema;
}

/**
 * The folder for the next migration of a history: `<NNNN>_<name>`, NNNN one more than the
 * highest numbered folder (0001 for an empty history).
 * @example nextMigrationDir('/repo/prisma/migrations/sqlite', 'init') // '/repo/.../sqlite/0001_init'
 */
async function nextMigrationDir(migrationsDir: string, name: string): Promise<string> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch(() => []);
  const highest = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => /^(\d{4})_/.exec(entry.name)?.[1])
    .filter((digits): digits is string => digits !== undefined)
    .reduce((max, digits) => Math.max(max, Number(digits)), 0);
  return join(migrationsDir, `${String(highest + 1).padStart(4, '0')}_${name}`);
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || rest.length > 0 || !NAME_PATTERN.test(name)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const deriveSchema = await loadDeriveSchema();
  const schemaText = await readFile(join(ROOT, 'prisma', 'schema.prisma'), 'utf8');

  const shadowServer = process.env.DEX_SHADOW_PG_URL ?? process.env.DEX_TEST_PG_URL;
  // Compute every diff first, so that a failure (say PostgreSQL is down) writes nothing.
  const planned: PlannedMigration[] = [];
  for (const provider of PROVIDERS) {
    const migrationsDir = defaultMigrationsDir(provider);
    const sql = await diffMigrations({
      provider,
      migrationsDir,
      schemaText: deriveSchema(schemaText, provider),
      // PostgreSQL diffs replay the history on a scratch database of this server.
      ...(shadowServer === undefined ? {} : { shadowUrl: shadowServer }),
    });
    if (isEmptyMigration(sql)) {
      process.stdout.write(`${provider}: schema and migrations are in sync\n`);
    } else {
      planned.push({ provider, dir: await nextMigrationDir(migrationsDir, name), sql });
    }
  }

  for (const { provider, dir, sql } of planned) {
    await mkdir(dir, { recursive: true });
    const file = join(dir, MIGRATION_FILE);
    await writeFile(file, sql);
    process.stdout.write(`${provider}: wrote ${relative(ROOT, file)}\n`);
    const lockFile = join(dirname(dir), MIGRATION_LOCK_FILE);
    if (!existsSync(lockFile)) {
      await writeFile(lockFile, migrationLockContent(provider));
      process.stdout.write(`${provider}: wrote ${relative(ROOT, lockFile)}\n`);
    }
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`db:migrations failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
