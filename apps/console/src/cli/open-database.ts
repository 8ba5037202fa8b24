import { existsSync } from 'node:fs';
import { createDatabase, type Database, parseDatabaseUrl, redactDatabaseUrl } from '@dex/shared/db';
import { AppError } from '@dex/shared/errors';
import { describeError, NO_SCHEMA_MESSAGE } from './describe-error.ts';

export interface OpenDatabaseOptions {
  url: string;
  debug(line: string): void;
}

/**
 * Opens the database for one dexctl command, runs `use` and closes it. dexctl never
 * migrates (the overlord owns migrations) and never creates a SQLite file: a database
 * without the dex tables is refused with a message that says so.
 * @throws AppError `INVALID_CONFIG` for a malformed URL, `DATABASE_UNREACHABLE`, or
 *   `INTERNAL` when the dex schema is missing.
 * @example await withOpenDatabase({ url: 'file:./.dex/dex.db', debug: () => {} }, (db) => db.prisma.client.count());
 */
export async function withOpenDatabase<T>(options: OpenDatabaseOptions, use: (db: Database) => Promise<T>): Promise<T> {
  const where = redactDatabaseUrl(options.url);
  const target = parseDatabaseUrl(options.url);
  if (target.provider === 'sqlite' && target.filename !== ':memory:' && !existsSync(target.filename)) {
    throw new AppError('INTERNAL', { message: `${NO_SCHEMA_MESSAGE} (${target.filename} does not exist)` });
  }
  options.debug(`opening ${where}`);
  const opened = performance.now();
  let waitedMs = 0;
  // One command runs one query at a time.
  const db = await createDatabase({
    url: options.url,
    maxConnections: 1,
    onSqliteBusyWait: (ms) => {
      waitedMs += ms;
    },
  });
  try {
    await db.ping();
    await checkSchema(db);
    options.debug(`connected to the ${db.provider} database`);
    return await use(db);
  } finally {
    await db.close();
    // The time the command spent in the database (start-up of the process aside), and how
    // much of it went to waiting while other processes wrote to a SQLite file.
    const spentMs = Math.round(performance.now() - opened);
    options.debug(`closed the database after ${spentMs} ms (${Math.round(waitedMs)} ms waiting for other writers)`);
  }
}

/** Reads one dex table, so a database that was never migrated fails before the command runs. */
async function checkSchema(db: Database): Promise<void> {
  try {
    await db.prisma.connectorConfig.findFirst({ select: { id: true } });
  } catch (error) {
    throw describeError(error);
  }
}
