import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { AppError, errorReason } from '#errors/index.ts';
import { type DatabaseProvider, parseDatabaseUrl, redactDatabaseUrl } from './database-url.ts';
import { PrismaClient as PostgresClient } from './generated/postgresql/client.ts';
import { PrismaClient as SqliteClient } from './generated/sqlite/client.ts';

/**
 * The Prisma client type the stores are written against. Both generated clients come from
 * the same models, so they share this shape; only the provider underneath differs.
 */
export type PrismaDb = SqliteClient;

export interface Database {
  readonly provider: DatabaseProvider;
  readonly prisma: PrismaDb;
  /** Checks that the database answers; throws DATABASE_UNREACHABLE otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface CreateDatabaseOptions {
  url: string;
  /** PostgreSQL pool size (default 10). */
  maxConnections?: number;
}

/**
 * Opens the database named by a `--db-url`, picking the driver adapter from the URL.
 * There is no import-time client: each process makes one and closes it on shutdown.
 * @example
 * const db = await createDatabase({ url: 'file:./.dex/dex.db' });
 * await db.prisma.user.count();
 * await db.close();
 */
export async function createDatabase(options: CreateDatabaseOptions): Promise<Database> {
  const target = parseDatabaseUrl(options.url);
  let prisma: PrismaDb;
  if (target.provider === 'sqlite') {
    if (target.filename !== ':memory:') mkdirSync(dirname(target.filename), { recursive: true });
    const adapter = new PrismaBetterSqlite3({ url: target.filename, timeout: 10_000 });
    prisma = new SqliteClient({ adapter });
  } else {
    const adapter = new PrismaPg({
      connectionString: target.url,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: 5_000,
    });
    // The two generated clients differ only in the isolation levels $transaction accepts
    // (SQLite knows just Serializable); the model API the stores use is identical.
    prisma = new PostgresClient({ adapter }) as unknown as PrismaDb;
  }
  const db: Database = {
    provider: target.provider,
    prisma,
    async ping() {
      try {
        await prisma.$queryRawUnsafe('SELECT 1');
      } catch (cause) {
        throw unreachable(options.url, cause);
      }
    },
    async close() {
      await prisma.$disconnect();
    },
  };
  if (target.provider === 'sqlite') {
    try {
      // WAL lets the overlord and the workers read while one of them writes.
      await prisma.$queryRawUnsafe('PRAGMA journal_mode = WAL');
      await prisma.$executeRawUnsafe('PRAGMA foreign_keys = ON');
    } catch (cause) {
      await prisma.$disconnect().catch(() => undefined);
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
