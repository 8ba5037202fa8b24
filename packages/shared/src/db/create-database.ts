import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Sqlite from 'better-sqlite3';
import type pg from 'pg';
import { AppError, errorReason } from '#errors/index.ts';
import { type DatabaseProvider, parseDatabaseUrl, redactDatabaseUrl } from './database-url.ts';
import { postgresModules } from './driver-modules.ts';
import { PrismaClient as SqliteClient } from './generated/sqlite/client.ts';
import { SqliteAdapterFactory } from './sqlite-adapter.ts';
import { SQLITE_BUSY_DEADLINE_MS } from './sqlite-busy.ts';

/**
 * The Prisma client type the stores are written against. Both generated clients come from
 * the same models, so they share this shape; only the provider underneath differs.
 */
export type PrismaDb = SqliteClient;

/**
 * The driver under the Prisma client, for the few hot paths that run their own prepared SQL
 * (the token endpoint). Prisma stays the source of truth for the schema: such SQL must match
 * both providers' migrations.
 *
 * - `sqlite`: `connection()` opens (once, on first use) a second better-sqlite3 connection to
 *   the same file, with `foreign_keys` on and no busy wait (a writer that meets a lock gets
 *   `SQLITE_BUSY` at once and should retry asynchronously with `retryWhileBusy`, so the event
 *   loop never blocks; a write transaction should begin with `BEGIN IMMEDIATE`, as Prisma's do
 *   here, see `SqliteAdapterFactory`). It is separate from Prisma's, so Prisma's interactive
 *   transactions never take in its statements. An in-memory database has no second
 *   connection: `connection()` throws.
 * - `postgresql`: the `pg` pool Prisma's adapter uses; queries on it must set their own
 *   type parsers where they read timestamps (the columns are `TIMESTAMP(3)` in UTC).
 */
export type DatabaseDriver =
  | { readonly provider: 'sqlite'; readonly filename: string; connection(): Sqlite.Database }
  | { readonly provider: 'postgresql'; readonly pool: pg.Pool };

export interface Database {
  readonly provider: DatabaseProvider;
  readonly prisma: PrismaDb;
  /** The driver underneath, for hand-written hot-path SQL (see {@link DatabaseDriver}). */
  readonly driver: DatabaseDriver;
  /** Checks that the database answers; throws DATABASE_UNREACHABLE otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Every SQLite connection commits at `synchronous = NORMAL`, set explicitly: in WAL mode a
 * commit survives a crash of the process, and only a power loss or OS crash can undo the last
 * commits (never corrupt the file). Left alone, SQLite would give the connection that first
 * switched the file to WAL `FULL` (an fsync per commit) and every later one `NORMAL`.
 */
export const SQLITE_SYNCHRONOUS = 'NORMAL';

/**
 * The bound of any one PostgreSQL statement (`statement_timeout`), set on every connection of
 * the pool: longer than any query this service runs (its slowest are the collector's batched
 * deletes), far shorter than forever. A statement cancelled by it fails with SQLSTATE 57014,
 * which callers see as the database being unavailable (a 503 to try again), not as a hang.
 */
export const PG_STATEMENT_TIMEOUT_MS = 30_000;

/**
 * The bound of a wait for a row or table lock (`lock_timeout`, SQLSTATE 55P03 when it fires):
 * a session holding a lock (a stuck transaction, an operator's `LOCK TABLE`) makes requests
 * fail after this long instead of queueing them all behind it.
 */
export const PG_LOCK_TIMEOUT_MS = 10_000;

export interface CreateDatabaseOptions {
  url: string;
  /** PostgreSQL pool size (default 10). */
  maxConnections?: number;
  /**
   * PostgreSQL: how long one statement may run before the server cancels it (default
   * {@link PG_STATEMENT_TIMEOUT_MS}), so a stuck query fails the request instead of holding it forever.
   */
  statementTimeoutMs?: number;
  /** PostgreSQL: how long a statement may wait for a lock held by another session (default {@link PG_LOCK_TIMEOUT_MS}). */
  lockTimeoutMs?: number;
  /**
   * SQLite: told how long a statement or transaction waited for another process's write
   * lock, each time one had to (for diagnostics such as `dexctl --log-debug`).
   */
  onSqliteBusyWait?: (waitedMs: number) => void;
}

/**
 * Opens the database named by a `--db-url`, picking the driver adapter from the URL.
 * On SQLite, Prisma goes through {@link SqliteAdapterFactory}: every transaction takes the
 * write lock when it begins, and a busy database is waited for on a timer, never on the
 * event loop's thread, for up to {@link SQLITE_BUSY_DEADLINE_MS}.
 * There is no import-time client: each process makes one and closes it on shutdown
 * (`close()` also closes the driver connections of {@link DatabaseDriver}).
 * @example
 * const db = await createDatabase({ url: 'file:./.dex/dex.db' });
 * await db.prisma.user.count();
 * await db.close();
 */
export async function createDatabase(options: CreateDatabaseOptions): Promise<Database> {
  const target = parseDatabaseUrl(options.url);
  let prisma: PrismaDb;
  let driver: DatabaseDriver;
  let closeDriver: () => Promise<void>;
  if (target.provider === 'sqlite') {
    if (target.filename !== ':memory:') mkdirSync(dirname(target.filename), { recursive: true });
    // Transactions take the write lock up front and wait for it without blocking the event
    // loop (see SqliteAdapterFactory); Prisma must wait for a transaction at least as long.
    const adapter = new SqliteAdapterFactory({
      filename: target.filename,
      ...(options.onSqliteBusyWait === undefined ? {} : { onBusyWait: options.onSqliteBusyWait }),
    });
    prisma = new SqliteClient({ adapter, transactionOptions: { maxWait: SQLITE_BUSY_DEADLINE_MS + 1_000 } });
    const { filename } = target;
    let connection: Sqlite.Database | undefined;
    driver = {
      provider: 'sqlite',
      filename,
      connection() {
        if (connection !== undefined) return connection;
        if (filename === ':memory:') throw new Error('an in-memory SQLite database has no second connection');
        const opened = new Sqlite(filename, { timeout: 0 });
        opened.pragma('foreign_keys = ON');
        opened.pragma(`synchronous = ${SQLITE_SYNCHRONOUS}`);
        connection = opened;
        return opened;
      },
    };
    closeDriver = async () => {
      connection?.close();
      connection = undefined;
    };
  } else {
    // Loaded here, not at start: a process on SQLite never needs them (driver-modules.ts).
    const [{ pg, PrismaPg }, { PrismaClient: PostgresClient }] = await Promise.all([
      postgresModules(),
      import('./generated/postgresql/client.ts'),
    ]);
    const pool = new pg.Pool({
      connectionString: target.url,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: 5_000,
      // Sent in each connection's startup packet, so they hold for every statement on it,
      // Prisma's and the hand-written hot-path SQL alike.
      statement_timeout: options.statementTimeoutMs ?? PG_STATEMENT_TIMEOUT_MS,
      lock_timeout: options.lockTimeoutMs ?? PG_LOCK_TIMEOUT_MS,
    });
    // An idle connection the server dropped is removed from the pool and replaced on the next
    // query; without a listener its 'error' event would end the process.
    pool.on('error', () => undefined);
    const adapter = new PrismaPg(pool);
    // The two generated clients differ only in the isolation levels $transaction accepts
    // (SQLite knows just Serializable); the model API the stores use is identical.
    prisma = new PostgresClient({ adapter }) as unknown as PrismaDb;
    driver = { provider: 'postgresql', pool };
    let ended = false;
    closeDriver = async () => {
      if (ended) return;
      ended = true;
      await pool.end();
    };
  }
  const db: Database = {
    provider: target.provider,
    prisma,
    driver,
    async ping() {
      try {
        await prisma.$queryRawUnsafe('SELECT 1');
      } catch (cause) {
        throw unreachable(options.url, cause);
      }
    },
    async close() {
      await prisma.$disconnect();
      await closeDriver();
    },
  };
  if (target.provider === 'sqlite') {
    try {
      // WAL lets the overlord and the workers read while one of them writes.
      await prisma.$queryRawUnsafe('PRAGMA journal_mode = WAL');
      await prisma.$executeRawUnsafe('PRAGMA foreign_keys = ON');
      await prisma.$executeRawUnsafe(`PRAGMA synchronous = ${SQLITE_SYNCHRONOUS}`);
    } catch (cause) {
      await prisma.$disconnect().catch(() => undefined);
      await closeDriver();
      throw unreachable(options.url, cause);
    }
  }
  return db;
}

function unreachable(url: string, cause: unknown): AppError {
  return new AppError('DATABASE_UNREACHABLE', {
    message: `cannot reach the database at ${redactDatabaseUrl(url)}: ${errorReason(cause)}`,
    cause,
  });
}
