/**
 * Database migrations without the Prisma CLI's native schema engine.
 *
 * The CLI downloads a native `schema-engine` binary, which our machines cannot do
 * (docs: TOOLCHAIN.md). Prisma publishes the same engine as WebAssembly
 * (`@prisma/schema-engine-wasm`); given a driver adapter it runs Prisma's own migration
 * logic, so the `_prisma_migrations` table it writes is exactly what `prisma migrate deploy`
 * writes, and the migrations folder stays in Prisma's layout:
 *
 *   prisma/migrations/<provider>/migration_lock.toml
 *   prisma/migrations/<provider>/0001_init/migration.sql
 *
 * What this module works around (engine 7.10.0-4.0edf323e, adapters 7.10.0):
 * - The package's entry point imports the `.wasm` file as an ES module, which Node does not
 *   do: the JS glue is imported alone and the wasm instantiated by hand.
 * - The engine connects through the adapter factory when it is created but never disposes
 *   the adapters it obtained, and it leaves timers running (e.g. the 10 s timeout around
 *   PostgreSQL's advisory lock): either keeps the process alive. Both are cleaned up here
 *   after every command.
 * - Driver failures surface as `External error id#N`; the driver's message is looked up.
 * - For `diffMigrations` only, which replays the history on a shadow database:
 *   `PrismaPg.connectToShadowDb()` spreads `{ ...config, database }`, but `pg` lets the
 *   database of a `connectionString` win, so the "shadow" would be the main database; on
 *   SQLite the engine sends whole scripts to `executeRaw`, which better-sqlite3 refuses;
 *   and adapter-pg cannot return the `"char"` columns of the catalog queries that describe
 *   the result. Hence our own shadow factories below.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { ErrorRegistry, SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { MigrationDirectory, MigrationList, SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm/schema_engine_bg';
import { createDatabase } from './create-database.ts';
import { postgresModules, sqliteAdapterModule } from './driver-modules.ts';
import { AppError } from '#errors/index.ts';
import { type DatabaseProvider, parseDatabaseUrl, redactDatabaseUrl } from './database-url.ts';
import { findUp } from '#process/find-up.ts';

export interface MigrateOptions {
  /** A `--db-url`: `file:PATH` (SQLite) or `postgres://...` (PostgreSQL). */
  url: string;
  /** Folder holding the migration folders; default `<repo>/prisma/migrations/<provider>`. */
  migrationsDir?: string;
  /** Receives one line per step (and engine warnings); silent by default. */
  log?: (line: string) => void;
}

export interface MigrateResult {
  provider: DatabaseProvider;
  /** Names of the migrations applied by this call, in order; empty when up to date. */
  applied: string[];
}

export interface DiffMigrationsOptions {
  provider: DatabaseProvider;
  /** Folder of the existing migrations for `provider` (may be missing or empty). */
  migrationsDir: string;
  /** The Prisma schema for `provider` (see `deriveSchema` in scripts/prisma-generate.mjs). */
  schemaText: string;
  /**
   * PostgreSQL only: a server on which a temporary shadow database may be created and
   * dropped. Default: env `DEX_TEST_PG_URL`, else `postgres://root@127.0.0.1:5432/test`.
   */
  shadowUrl?: string;
}

/** Name of Prisma's lock file in a migrations folder. */
export const MIGRATION_LOCK_FILE = 'migration_lock.toml';
/** Name of the script inside each migration folder. */
export const MIGRATION_FILE = 'migration.sql';

/** The repository (found upwards, so it holds for the sources and for a bin's bundle alike). */
const REPO_ROOT = findUp(import.meta.url, 'prisma/migrations') ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const DEFAULT_SHADOW_URL = 'postgres://root@127.0.0.1:5432/test';
/** Nothing in our databases is managed outside Prisma. */
const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };
/** How long a PostgreSQL connection attempt may take before the database counts as unreachable. */
const PG_CONNECT_TIMEOUT_MS = 5_000;
/** The message of a migration that lost the SQLite write lock to another process. */
const BUSY_MESSAGE = 'the database is busy: another process is writing to it';

/**
 * SQLite busy timeout of the migrator's own connection (other processes may hold the write
 * lock). It sleeps on the event loop's thread, unlike createDatabase's connections, which is
 * harmless here: the overlord migrates before it serves anything.
 */
const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/**
 * The migrations folder of a provider in this repository.
 * @example defaultMigrationsDir('sqlite') // '/repo/prisma/migrations/sqlite'
 */
export function defaultMigrationsDir(provider: DatabaseProvider): string {
  return join(REPO_ROOT, 'prisma', 'migrations', provider);
}

/**
 * Applies the pending migrations of `prisma/migrations/<provider>` to the database, the
 * way `prisma migrate deploy` does, and records them in `_prisma_migrations`. Running it
 * again applies nothing. Creates the SQLite file (and its folder) when missing.
 * @throws AppError `INVALID_CONFIG` for a malformed URL, `DATABASE_UNREACHABLE` when the
 *   database cannot be opened, `INTERNAL` when a migration fails (the message names it).
 * @example
 * const { applied } = await migrateDatabase({ url: 'file:./.dex/dex.db', log: console.log });
 * // applied: ['0001_init'] the first time, [] afterwards
 */
export async function migrateDatabase(options: MigrateOptions): Promise<MigrateResult> {
  const target = parseDatabaseUrl(options.url);
  const log = options.log ?? (() => undefined);
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir(target.provider);
  const migrationsList = await readMigrationsList(migrationsDir, { required: true });
  const where = redactDatabaseUrl(options.url);
  const unreachable = (cause: unknown) =>
    new AppError('DATABASE_UNREACHABLE', { message: `cannot reach the database at ${where}: ${reasonOf(cause)}`, cause });

  let factory: SqlMigrationAwareDriverAdapterFactory;
  if (target.provider === 'sqlite') {
    if (target.filename !== ':memory:') {
      await mkdir(dirname(resolve(target.filename)), { recursive: true }).catch((cause: unknown) => {
        throw unreachable(cause);
      });
    }
    const { PrismaBetterSqlite3 } = await sqliteAdapterModule();
    factory = new PrismaBetterSqlite3({ url: target.filename, timeout: SQLITE_BUSY_TIMEOUT_MS });
  } else {
    const { PrismaPg } = await postgresModules();
    factory = new PrismaPg({ connectionString: target.url, connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS });
  }

  const started = Date.now();
  const names = migrationsList.migrationDirectories.map((dir) => dir.path);
  if (await allApplied(options.url, names)) {
    // The common case (a restart, a second overlord): nothing to do, and no need to start the
    // engine, whose migration transaction would compete with the other process's writes.
    log(`database is up to date (${Date.now() - started} ms)`);
    return { provider: target.provider, applied: [] };
  }
  log(`migrating ${where} with ${names.length} migration(s) from ${migrationsDir}`);
  const applied = await withBusyRetry(() =>
    withSchemaEngine(
      factory,
      log,
      { unreachable, failed: (cause) => migrationFailed(cause, migrationsList, where) },
      async (engine) => (await engine.applyMigrations({ migrationsList, filters: NO_FILTER })).appliedMigrationNames,
    ),
  );
  log(
    applied.length === 0
      ? `database is up to date (${Date.now() - started} ms)`
      : `applied ${applied.join(', ')} (${Date.now() - started} ms)`,
  );
  return { provider: target.provider, applied };
}

/**
 * Whether every migration is recorded as finished (and none rolled back) in
 * `_prisma_migrations`; false when the table does not exist yet or cannot be read.
 */
async function allApplied(url: string, names: readonly string[]): Promise<boolean> {
  let db: Awaited<ReturnType<typeof createDatabase>> | undefined;
  try {
    db = await createDatabase({ url, maxConnections: 1 });
    const rows = await db.prisma.$queryRawUnsafe<{ migration_name: string }[]>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const done = new Set(rows.map((row) => row.migration_name));
    return names.every((name) => done.has(name));
  } catch {
    return false;
  } finally {
    await db?.close().catch(() => undefined);
  }
}

/**
 * Runs a migration, retrying while SQLite reports the database busy: in WAL mode a write
 * that follows a read in the same transaction fails at once (no busy wait) when another
 * process committed in between, as a running overlord renewing its lease does.
 */
async function withBusyRetry<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const busy = error instanceof AppError && error.message.includes(BUSY_MESSAGE);
      if (!busy || attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

/**
 * Computes the SQL that takes a database from the state after the existing migrations of
 * `migrationsDir` to `schemaText`, as `prisma migrate diff --from-migrations ... --to-schema
 * ... --script` does. The existing migrations are replayed on a throw-away shadow database:
 * in memory for SQLite, a temporary database on `shadowUrl` for PostgreSQL (created and
 * dropped here). An in-sync schema yields a script with comments only.
 * @example
 * const sql = await diffMigrations({
 *   provider: 'sqlite',
 *   migrationsDir: defaultMigrationsDir('sqlite'),
 *   schemaText: readFileSync('prisma/schema.prisma', 'utf8'),
 * });
 * if (isEmptyMigration(sql)) console.log('schema and migrations are in sync');
 */
export async function diffMigrations(options: DiffMigrationsOptions): Promise<string> {
  const migrationsList = await readMigrationsList(options.migrationsDir, { required: false });
  let factory: SqlMigrationAwareDriverAdapterFactory;
  let where: string;
  if (options.provider === 'sqlite') {
    factory = await sqliteShadowFactory();
    where = 'an in-memory SQLite database';
  } else {
    const shadowUrl = options.shadowUrl ?? DEFAULT_SHADOW_URL;
    factory = await postgresShadowFactory(shadowUrl);
    where = redactDatabaseUrl(shadowUrl);
  }
  const schemaFile = { path: 'schema.prisma', content: options.schemaText };
  const lockContent = migrationsList.lockfile.content ?? migrationLockContent(options.provider);
  return withSchemaEngine(
    factory,
    () => undefined,
    {
      unreachable: (cause) =>
        new AppError('DATABASE_UNREACHABLE', {
          message: `cannot reach the shadow database server at ${where}: ${reasonOf(cause)}`,
          cause,
        }),
      failed: (cause) =>
        new AppError('INTERNAL', {
          message: `cannot compute the ${options.provider} migration from ${options.migrationsDir}: ${errorText(cause)}`,
          cause,
        }),
    },
    async (engine) => {
      const result = await engine.diff({
        // Always replay the history, even an empty one: on PostgreSQL a diff from
        // `{ tag: 'empty' }` starts with `CREATE SCHEMA IF NOT EXISTS "public"`, which
        // `prisma migrate dev` does not write and which fails for a role without CREATE on
        // the database even though the schema exists. The engine needs a lock file to pick
        // the connector, so a missing one is supplied.
        from: { tag: 'migrations', ...migrationsList, lockfile: { ...migrationsList.lockfile, content: lockContent } },
        to: { tag: 'schemaDatamodel', files: [schemaFile] },
        script: true,
        exitCode: null,
        filters: NO_FILTER,
      });
      return result.stdout ?? '';
    },
  );
}

/**
 * Prisma's `migration_lock.toml`, as `prisma migrate dev` writes it.
 * @example migrationLockContent('sqlite') // '# Please do not edit ...\nprovider = "sqlite"\n'
 */
export function migrationLockContent(provider: DatabaseProvider): string {
  return [
    '# Please do not edit this file manually',
    '# It should be added in your version-control system (e.g., Git)',
    `provider = "${provider}"`,
    '',
  ].join('\n');
}

/**
 * Whether a migration script does nothing: only blank lines and `--` comments. The engine
 * answers an in-sync diff with `-- This is an empty migration.`.
 * @example isEmptyMigration('-- This is an empty migration.\n') // true
 */
export function isEmptyMigration(sql: string): boolean {
  return sql.split('\n').every((line) => {
    const trimmed = line.trim();
    return trimmed === '' || trimmed.startsWith('--');
  });
}

// ---------------------------------------------------------------------------------------
// Migrations folder

/**
 * Reads a migrations folder the way the Prisma CLI does: every sub-folder is a migration
 * (sorted by name) whose script is `migration.sql`; a missing script is passed to the
 * engine as an error, which reports it. `migration_lock.toml` may be absent.
 */
async function readMigrationsList(baseDir: string, { required }: { required: boolean }): Promise<MigrationList> {
  let entries: { name: string; isDirectory(): boolean }[];
  try {
    entries = await readdir(baseDir, { withFileTypes: true });
  } catch (cause) {
    if (!required && isErrnoCode(cause, 'ENOENT')) entries = [];
    else throw new AppError('INTERNAL', { message: `cannot read the migrations folder ${baseDir}: ${reasonOf(cause)}`, cause });
  }
  const lockContent = await readFile(join(baseDir, MIGRATION_LOCK_FILE), 'utf8').catch(() => null);
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b));
  const migrationDirectories: MigrationDirectory[] = await Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: {
        path: MIGRATION_FILE,
        content: await readFile(join(baseDir, name, MIGRATION_FILE), 'utf8').then(
          (value) => ({ tag: 'ok' as const, value }),
          (error: unknown) => ({ tag: 'error' as const, value: reasonOf(error) }),
        ),
      },
    })),
  );
  return {
    baseDir,
    lockfile: { path: MIGRATION_LOCK_FILE, content: lockContent },
    migrationDirectories,
    shadowDbInitScript: '',
  };
}

// ---------------------------------------------------------------------------------------
// The WebAssembly engine

type SchemaEngineModule = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');

interface EngineState {
  /** The instantiated engine module, once per process. */
  module?: Promise<SchemaEngineModule>;
  /** Commands run one at a time: all engines share the one wasm instance. */
  queue: Promise<unknown>;
  /** Last panic message reported by the wasm module, if any. */
  lastPanic?: string;
  /** Timers the engine started that have not fired yet (see {@link instantiateSchemaEngine}). */
  timers: Set<ReturnType<typeof setTimeout>>;
}

interface PanicRegistry {
  set_message(message: string): void;
}

/**
 * Kept on `globalThis`, not in module scope: a test runner may evaluate this file more than
 * once, while the wasm glue module in node_modules (and its single instance) is shared.
 */
const STATE_KEY = Symbol.for('dex.schemaEngineWasm');
const globals = globalThis as typeof globalThis & { [STATE_KEY]?: EngineState; PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };
globals[STATE_KEY] ??= { queue: Promise.resolve(), timers: new Set() };
const state: EngineState = globals[STATE_KEY];

/**
 * Loads the schema engine lazily, once per process. The package is a bundler-style
 * wasm-bindgen build whose entry point imports the `.wasm` file as an ES module, which
 * Node does not support; so the JS glue is imported on its own and the wasm instantiated
 * by hand with the glue as its import object.
 */
function loadSchemaEngine(): Promise<SchemaEngineModule> {
  state.module ??= instantiateSchemaEngine().catch((error: unknown) => {
    state.module = undefined;
    throw new AppError('INTERNAL', { message: `cannot load @prisma/schema-engine-wasm: ${reasonOf(error)}`, cause: error });
  });
  return state.module;
}

async function instantiateSchemaEngine(): Promise<SchemaEngineModule> {
  const gluePath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const glue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const bytes = await readFile(join(dirname(gluePath), 'schema_engine_bg.wasm'));
  // The engine races some operations against a timer, e.g. taking PostgreSQL's advisory
  // lock against 10 s, and never clears the timer when the operation wins: a pending 10 s
  // timeout would keep the process alive after the migration. Its timers are recorded here
  // and cleared once a command is over (see withSchemaEngine).
  const imports: Record<string, unknown> = { ...glue };
  for (const name of Object.keys(imports).filter((key) => key.startsWith('__wbg_setTimeout_'))) {
    imports[name] = (callback: () => void, milliseconds: number) => {
      const timer = setTimeout(() => {
        state.timers.delete(timer);
        callback();
      }, milliseconds >>> 0);
      state.timers.add(timer);
      return timer;
    };
  }
  const { instance } = await webAssembly().instantiate(bytes, { './schema_engine_bg.js': imports });
  glue.__wbg_set_wasm(instance.exports);
  const start = instance.exports.__wbindgen_start;
  if (typeof start === 'function') start();
  // A Rust panic reports its message here before the call fails. The Prisma client installs
  // its own registry when it loads; either one will do.
  globals.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message(message: string) {
      state.lastPanic = message;
    },
  };
  return glue;
}

/** The slice of the `WebAssembly` global used here (our `lib` settings do not declare it). */
interface WebAssemblyRuntime {
  instantiate(bytes: Uint8Array, imports: Record<string, object>): Promise<{ instance: { exports: Record<string, unknown> } }>;
}

function webAssembly(): WebAssemblyRuntime {
  return (globalThis as unknown as { WebAssembly: WebAssemblyRuntime }).WebAssembly;
}

/** How {@link withSchemaEngine} turns failures into AppErrors. */
interface EngineErrorMapping {
  /** Creating the engine failed: it connects right away, so the database is unreachable. */
  unreachable(cause: unknown): AppError;
  /** The command failed. */
  failed(cause: unknown): AppError;
}

/**
 * Creates an engine on `factory`, runs `command`, then frees the engine and disposes every
 * connection it opened. Commands run one at a time. Errors reach `errors` with the driver's
 * messages filled in (see {@link withDriverErrors}).
 */
async function withSchemaEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  log: (line: string) => void,
  errors: EngineErrorMapping,
  command: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const wasm = await loadSchemaEngine();
  const { bindMigrationAwareSqlAdapterFactory } = await import('@prisma/driver-adapter-utils');
  const run = async (): Promise<T> => {
    const tracked = trackConnections(factory);
    const bound = bindMigrationAwareSqlAdapterFactory(tracked.factory);
    let engine: SchemaEngine | undefined;
    try {
      try {
        engine = await wasm.SchemaEngine.new({ datamodels: undefined }, (line: string) => forwardEngineLog(line, log), bound);
      } catch (cause) {
        throw errors.unreachable(withDriverErrors(cause, bound.errorRegistry));
      }
      try {
        return await command(engine);
      } catch (cause) {
        throw errors.failed(withDriverErrors(cause, bound.errorRegistry));
      }
    } finally {
      engine?.free();
      await tracked.disposeAll();
      // Whatever the engine was waiting for is over: its leftover timeouts only hold the
      // process open.
      for (const timer of state.timers) clearTimeout(timer);
      state.timers.clear();
    }
  };
  const result = state.queue.then(run, run);
  state.queue = result.catch(() => undefined);
  return result;
}

/** Passes engine warnings and errors to `log`; the engine's info chatter is dropped. */
function forwardEngineLog(line: string, log: (line: string) => void): void {
  try {
    const entry = JSON.parse(line) as { level?: string; fields?: { message?: string } };
    if (entry.level === 'WARN' || entry.level === 'ERROR') {
      log(`schema engine ${entry.level.toLowerCase()}: ${entry.fields?.message ?? line.trim()}`);
    }
  } catch {
    if (line.trim() !== '') log(`schema engine: ${line.trim()}`);
  }
}

/**
 * Wraps a factory so that every adapter it hands out is remembered and can be disposed
 * once (the engine itself never disposes the main connection).
 */
function trackConnections(factory: SqlMigrationAwareDriverAdapterFactory): {
  factory: SqlMigrationAwareDriverAdapterFactory;
  disposeAll(): Promise<void>;
} {
  const open = new Set<SqlDriverAdapter>();
  const track = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    open.add(adapter);
    const dispose = adapter.dispose.bind(adapter);
    let disposed: Promise<void> | undefined;
    adapter.dispose = () => {
      open.delete(adapter);
      disposed ??= dispose();
      return disposed;
    };
    return adapter;
  };
  return {
    factory: {
      provider: factory.provider,
      adapterName: factory.adapterName,
      connect: async () => track(await factory.connect()),
      connectToShadowDb: async () => track(await factory.connectToShadowDb()),
    },
    async disposeAll() {
      await Promise.allSettled([...open].map((adapter) => adapter.dispose()));
    },
  };
}

/**
 * A SQLite factory for diffs: main and shadow databases in memory (a diff never touches
 * the main one). When the engine replays migrations on the shadow database it sends each
 * whole `migration.sql` through `executeRaw`, which better-sqlite3 refuses for more than
 * one statement; such scripts are run with `executeScript` instead.
 */
async function sqliteShadowFactory(): Promise<SqlMigrationAwareDriverAdapterFactory> {
  const { PrismaBetterSqlite3 } = await sqliteAdapterModule();
  const memory = new PrismaBetterSqlite3({ url: ':memory:' });
  return {
    provider: memory.provider,
    adapterName: memory.adapterName,
    connect: () => memory.connect(),
    async connectToShadowDb() {
      const shadow = await memory.connectToShadowDb();
      const executeRaw = shadow.executeRaw.bind(shadow);
      shadow.executeRaw = async (query) => {
        try {
          return await executeRaw(query);
        } catch (error) {
          if (query.args.length > 0 || !mentions(error, 'more than one statement')) throw error;
          await shadow.executeScript(query.sql);
          return 0;
        }
      };
      return shadow;
    },
  };
}

/**
 * A PostgreSQL factory whose shadow database really is a fresh database: created on the
 * server of `serverUrl` under a random name and dropped when the engine lets go of it.
 */
async function postgresShadowFactory(serverUrl: string): Promise<SqlMigrationAwareDriverAdapterFactory> {
  const { pg, PrismaPg } = await postgresModules();
  const server = new PrismaPg({ connectionString: serverUrl, connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS });
  const onServer = async (sql: string): Promise<void> => {
    const admin = await server.connect();
    try {
      await admin.executeRaw({ sql, args: [], argTypes: [] });
    } finally {
      await admin.dispose();
    }
  };
  return {
    provider: server.provider,
    adapterName: server.adapterName,
    connect: () => server.connect(),
    async connectToShadowDb() {
      const name = `dex_shadow_${randomUUID().replaceAll('-', '')}`;
      await onServer(`CREATE DATABASE "${name}"`);
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      let shadow: SqlDriverAdapter;
      try {
        shadow = await new PrismaPg(charAsTextPool(pg, url.toString()), { disposeExternalPool: true }).connect();
      } catch (error) {
        await onServer(`DROP DATABASE IF EXISTS "${name}"`).catch(() => undefined);
        throw error;
      }
      const release = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await release();
        await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      };
      return shadow;
    },
  };
}

/** PostgreSQL type ids: the one-byte `"char"` of the catalogs, and `text`. */
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/**
 * A pool whose results report `"char"` columns as `text`. The engine describes a schema
 * with catalog queries returning `"char"` columns (`pg_class.relkind`, ...), and
 * `@prisma/adapter-pg` 7.10 rejects that type ("Column type 'char' could not be
 * deserialized"). Its values arrive as one-character strings either way. The adapter only
 * calls `pool.query(config)` (promise form) outside transactions, which is all a diff uses.
 */
function charAsTextPool(pgModule: typeof pg, connectionString: string): pg.Pool {
  const pool = new pgModule.Pool({ connectionString, connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS });
  const query = pool.query.bind(pool) as (config: pg.QueryConfig | string) => Promise<pg.QueryResult>;
  const patched = async (config: pg.QueryConfig | string): Promise<pg.QueryResult> => {
    const result = await query(config);
    for (const field of result.fields) {
      if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
    return result;
  };
  pool.query = patched as typeof pool.query;
  return pool;
}

// ---------------------------------------------------------------------------------------
// Errors

/** Maps a failed `applyMigrations` to an INTERNAL error that names the migration. */
function migrationFailed(cause: unknown, list: MigrationList, where: string): AppError {
  // The name is in the span trace (`migration_name="0002_x"`) or in the message of a
  // previously failed migration ("The `0002_x` migration started at ... failed").
  const raw = cause instanceof Error ? cause.message : String(cause);
  const named =
    /migration_name="([^"]+)"/.exec(raw)?.[1] ??
    /The `([^`]+)` migration/.exec(raw)?.[1] ??
    list.migrationDirectories.map((dir) => dir.path).find((name) => raw.includes(name));
  const subject = named === undefined ? 'a migration' : `migration ${named}`;
  return new AppError('INTERNAL', { message: `${subject} failed on ${where}: ${errorText(cause)}`, cause });
}

/**
 * The engine reports a failure of the driver adapter as `External error id#N`; the
 * original error waits in the adapter's error registry. Returns an error whose message has
 * those references replaced by the driver's own messages (`cause` keeps the engine error).
 */
function withDriverErrors(error: unknown, registry: ErrorRegistry): unknown {
  if (!(error instanceof Error) || !/External error id#\d+/.test(error.message)) return error;
  const message = error.message.replace(/External error id#(\d+)/g, (reference, id: string) => {
    const record = registry.consumeError(Number(id));
    if (record === undefined) return reference;
    const driverError = record.error;
    return driverError instanceof Error ? driverError.message : JSON.stringify(driverError);
  });
  return new Error(message, { cause: error });
}

/**
 * The text of an engine error without the Rust span trace the engine appends
 * (`   0: sql_schema_connector::...` lines), with a pending panic message if there was one.
 */
function errorText(error: unknown): string {
  const panic = state.lastPanic;
  state.lastPanic = undefined;
  const message = error instanceof Error ? error.message : String(error);
  // The adapter's SQLITE_BUSY arrives as an error kind the engine cannot name.
  if (message.includes('unknown variant `SocketTimeout`')) {
    return BUSY_MESSAGE;
  }
  const lines = message.split('\n');
  // Cut the Rust span trace and any JavaScript stack frames the wasm glue appended.
  const traceStart = lines.findIndex((line) => /^\s+\d+: \S/.test(line) || /^\s+at \S/.test(line));
  const text = (traceStart === -1 ? lines : lines.slice(0, traceStart)).join('\n').trim();
  return panic === undefined ? text : `${text} (engine panic: ${panic})`;
}

/** The first non-empty line of an error, for one-line messages. */
function reasonOf(error: unknown): string {
  const line = errorText(error)
    .split('\n')
    .find((candidate) => candidate.trim() !== '');
  return line?.trim() ?? 'unknown error';
}

/** Whether an error (or the driver error inside it) mentions `text`. */
function mentions(error: unknown, text: string): boolean {
  if (error instanceof Error && (error.message.includes(text) || mentions(error.cause, text))) return true;
  try {
    return JSON.stringify(error)?.includes(text) ?? false;
  } catch {
    return false;
  }
}

function isErrnoCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
