import { type Database, createDatabase, migrateDatabase, redactDatabaseUrl } from '@dex/shared/db';
import { ensureActiveSigningKey } from '@dex/shared/domain/keys';
import { type ListeningServer, listenOn } from '@dex/shared/http';
import { createLogger, type Logger } from '@dex/shared/logging';
import { runServerCli } from '@dex/shared/process';
import { createAdminApp } from './app.ts';
import { type OverlordConfig, PROGRAM, readOverlordConfig } from './env.ts';

export interface RunningOverlord {
  readonly adminUrl: URL;
  readonly db: Database;
  stop(): Promise<void>;
}

export interface StartOverlordOptions {
  logger?: Logger;
}

/**
 * Starts an overlord: connects to the database, applies migrations, makes sure an active
 * signing key exists and serves the admin API. Tests call this with port 0.
 * @example const overlord = await startOverlord(config); ...; await overlord.stop();
 */
export async function startOverlord(config: Readonly<OverlordConfig>, options: StartOverlordOptions = {}): Promise<RunningOverlord> {
  const logger = options.logger ?? createLogger({ name: PROGRAM, debug: config.logDebug });
  if (config.dbMigrate) {
    const { applied } = await migrateDatabase({ url: config.dbUrl });
    logger.info(
      { applied, database: redactDatabaseUrl(config.dbUrl) },
      applied.length > 0 ? 'migrations applied' : 'database schema up to date',
    );
  }
  const db = await createDatabase({ url: config.dbUrl, maxConnections: 4 });
  let http: ListeningServer | undefined;
  try {
    await db.ping();
    const kid = await ensureActiveSigningKey(db.prisma, { secrets: config.keySecrets });
    if (kid !== null) logger.info({ kid }, 'generated the first signing key');
    const app = createAdminApp({
      db,
      logger,
      adminApiSecret: config.adminApiSecret,
      localConnectorId: config.localConnectorId,
      keySecrets: config.keySecrets,
      keyPeriodMs: config.keyPeriodMs,
    });
    http = await listenOn({ listen: config.adminListen, handler: app });
  } catch (error) {
    await db.close();
    throw error;
  }
  const server = http;
  logger.info({ adminUrl: server.url.origin }, 'admin API listening');
  return {
    adminUrl: server.url,
    db,
    async stop() {
      await server.close();
      await db.close();
      logger.info('stopped');
    },
  };
}

/** The `dex-overlord` command. Resolves with the exit status. */
export function runOverlordCli(argv: readonly string[]): Promise<number> {
  return runServerCli({ program: PROGRAM, read: () => readOverlordConfig(argv), start: (config) => startOverlord(config) });
}
