import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import {
  DriverAdapterError,
  type IsolationLevel,
  type SqlDriverAdapter,
  type SqlDriverAdapterFactory,
  type SqlQuery,
  type Transaction,
} from '@prisma/driver-adapter-utils';
import { type RetryWhileBusyOptions, retryWhileBusy, SQLITE_BUSY_DEADLINE_MS } from './sqlite-busy.ts';

const sql = (text: string): SqlQuery => ({ sql: text, args: [], argTypes: [] });
const BEGIN_IMMEDIATE = sql('BEGIN IMMEDIATE');
const ROLLBACK = sql('ROLLBACK');

export interface SqliteAdapterOptions {
  /** The database file (`:memory:` for an in-memory database). */
  filename: string;
  /** How long a statement or a transaction waits for the write lock (default {@link SQLITE_BUSY_DEADLINE_MS}). */
  busyDeadlineMs?: number;
  /** Told how long a statement or a transaction waited for another connection's lock, each time one had to. */
  onBusyWait?: (waitedMs: number) => void;
}

/**
 * Prisma's better-sqlite3 adapter, changed where several processes share one file.
 *
 * Every process (workers, overlords, dexctl) writes to the same file, and SQLite lets one
 * connection write at a time. The stock adapter fails or stalls there:
 * - It opens transactions with a deferred `BEGIN`. A transaction that reads and then writes
 *   (find the client, then update it) must upgrade its read snapshot to a write lock, and
 *   SQLite refuses that at once with `SQLITE_BUSY` (`SQLITE_BUSY_SNAPSHOT` when another
 *   connection committed since the read), without waiting for `busy_timeout`: waiting could
 *   not help, the snapshot is stale. Under a worker's refresh load that is nearly every time.
 * - It waits for a lock in SQLite's `busy_timeout`, which sleeps on the main thread:
 *   better-sqlite3 is synchronous, so the whole process (an overlord's admin API, a worker's
 *   token endpoint) stops while it waits.
 * - Statements from outside a transaction run on the same connection, so while one request's
 *   interactive transaction is open, another request's statements would run inside it.
 *
 * This adapter opens every transaction with `BEGIN IMMEDIATE`, which takes the write lock and
 * a fresh snapshot together, so nothing inside the transaction can meet `SQLITE_BUSY`. The
 * connection has no `busy_timeout`: `BEGIN IMMEDIATE` and single statements outside a
 * transaction (which a busy error leaves undone) are retried on a timer, so the event loop
 * stays free while another process writes. One transaction runs at a time per connection,
 * and statements from outside it wait until it ends.
 *
 * What it asks of callers: a transaction holds the write lock from its first statement to
 * its commit, so an interactive transaction (`$transaction(async (tx) => ...)`) must await
 * nothing but its own queries: no hashing, key generation or HTTP inside it.
 * @example const prisma = new PrismaClient({ adapter: new SqliteAdapterFactory({ filename: './dex.db' }) });
 */
export class SqliteAdapterFactory implements SqlDriverAdapterFactory {
  readonly provider = 'sqlite';
  readonly adapterName: string;
  readonly #stock: PrismaBetterSqlite3;
  readonly #retry: RetryWhileBusyOptions;

  constructor(options: SqliteAdapterOptions) {
    // timeout: 0 is busy_timeout 0: a busy database fails at once and is retried here, asynchronously.
    this.#stock = new PrismaBetterSqlite3({ url: options.filename, timeout: 0 });
    this.adapterName = this.#stock.adapterName;
    this.#retry = {
      deadlineMs: options.busyDeadlineMs ?? SQLITE_BUSY_DEADLINE_MS,
      ...(options.onBusyWait === undefined ? {} : { onWaited: options.onBusyWait }),
    };
  }

  async connect(): Promise<SqlDriverAdapter> {
    return withImmediateTransactions(await this.#stock.connect(), this.#retry);
  }
}

function withImmediateTransactions(connection: SqlDriverAdapter, retry: RetryWhileBusyOptions): SqlDriverAdapter {
  /** Settles when the open transaction ends; undefined when none is open. */
  let open: Promise<void> | undefined;

  /**
   * Runs `run` once no transaction is open, retried while the database is busy. The check and
   * the statement run in one synchronous step (better-sqlite3 executes inside the call), so a
   * transaction cannot open in between.
   */
  const outsideTransactions = <T>(run: () => Promise<T>): Promise<T> =>
    retryWhileBusy(async () => {
      while (open !== undefined) await open;
      return run();
    }, retry);

  /** Opens a transaction with the write lock; resolves with the function that ends it. */
  const begin = (): Promise<() => void> =>
    outsideTransactions(async () => {
      let end = (): void => undefined;
      const ended = new Promise<void>((resolve) => {
        end = () => {
          if (open === ended) open = undefined;
          resolve();
        };
      });
      open = ended;
      try {
        await connection.executeRaw(BEGIN_IMMEDIATE);
      } catch (error) {
        end();
        throw error;
      }
      return end;
    });

  return {
    provider: connection.provider,
    adapterName: connection.adapterName,
    queryRaw: (query) => outsideTransactions(() => connection.queryRaw(query)),
    executeRaw: (query) => outsideTransactions(() => connection.executeRaw(query)),
    executeScript: (script) => outsideTransactions(() => connection.executeScript(script)),
    ...(connection.getConnectionInfo === undefined ? {} : { getConnectionInfo: connection.getConnectionInfo.bind(connection) }),
    dispose: () => connection.dispose(),
    async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
      // SQLite transactions are serializable; the stock adapter refuses any other level too.
      if (isolationLevel !== undefined && isolationLevel !== 'SERIALIZABLE') {
        throw new DriverAdapterError({ kind: 'InvalidIsolationLevel', level: isolationLevel });
      }
      const end = await begin();
      let ended = false;
      const finish = () => {
        ended = true;
        end();
      };
      const execute = async (text: string) => {
        await connection.executeRaw(sql(text));
      };
      return {
        provider: connection.provider,
        adapterName: connection.adapterName,
        // Prisma sends COMMIT and ROLLBACK itself, then calls commit() or rollback().
        options: { usePhantomQuery: false },
        queryRaw: (query) => connection.queryRaw(query),
        executeRaw: (query) => connection.executeRaw(query),
        async commit() {
          finish();
        },
        async rollback() {
          if (ended) return;
          // Prisma calls rollback() without a ROLLBACK when its COMMIT failed: end the transaction
          // here (after Prisma's own ROLLBACK this fails with "no transaction is active").
          await connection.executeRaw(ROLLBACK).catch(() => undefined);
          finish();
        },
        createSavepoint: (name) => execute(`SAVEPOINT ${name}`),
        rollbackToSavepoint: (name) => execute(`ROLLBACK TO ${name}`),
        releaseSavepoint: (name) => execute(`RELEASE SAVEPOINT ${name}`),
      };
    },
  };
}
