export {
  createDatabase,
  PG_LOCK_TIMEOUT_MS,
  PG_STATEMENT_TIMEOUT_MS,
  type CreateDatabaseOptions,
  type Database,
  type DatabaseDriver,
  type PrismaDb,
} from './create-database.ts';
export { parseDatabaseUrl, redactDatabaseUrl, type DatabaseProvider, type DatabaseTarget } from './database-url.ts';
export { migrateDatabase, type MigrateOptions, type MigrateResult } from './migrate.ts';
export { SqliteAdapterFactory, type SqliteAdapterOptions } from './sqlite-adapter.ts';
export { isSqliteBusy, type RetryWhileBusyOptions, retryWhileBusy, SQLITE_BUSY_DEADLINE_MS } from './sqlite-busy.ts';
