import { usesInsecureTestPasswordHashing } from '@dex/shared/crypto';
import { type Database, createDatabase, migrateDatabase, redactDatabaseUrl } from '@dex/shared/db';
import { type RunningHeartbeat, startHeartbeat } from '@dex/shared/domain/heartbeats';
import { CONSOLE_CLIENT_ID, ensureConsoleClients } from '@dex/shared/domain/console-sessions';
import { DEFAULT_KEY_PUBLISH_DELAY_MS, reencryptSigningKeys, rotateSigningKeys } from '@dex/shared/domain/keys';
import { type ListeningServer, listenOn } from '@dex/shared/http';
import { createEmailer, loadEmailTemplates } from '@dex/shared/email';
import { createLogger, type Logger } from '@dex/shared/logging';
import { runServerCli } from '@dex/shared/process';
import { createAdminApp } from './app.ts';
import { type ConsoleBuild, ensureConsoleBuilt } from './console/build-console.ts';
import { DEFAULT_CONSOLE_DIR } from './console/serve-console.ts';
import { CONSOLE_SIGN_IN_PATHS } from './console-sign-in/console-sign-in-routes.ts';
import { consoleClientSecret } from './console-sign-in/derived-secrets.ts';
import { workerProvider } from './console-sign-in/worker-provider.ts';
import { collectGarbageJob } from './jobs/collect-garbage.ts';
import { JobRunner } from './jobs/job-runner.ts';
import { rotateSigningKeysJob } from './jobs/rotate-signing-keys.ts';
import { OverlordMetrics } from './metrics.ts';
import { type OverlordConfig, PROGRAM, readOverlordConfig } from './env.ts';

export interface RunningOverlord {
  readonly adminUrl: URL;
  readonly db: Database;
  /** The periodic jobs and whether this overlord leads them. */
  readonly jobs: JobRunner;
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
  let runner: JobRunner | undefined;
  let consoleBuild: ConsoleBuild | undefined;
  let heartbeat: RunningHeartbeat | undefined;
  const metrics = new OverlordMetrics();
  const emailer = createEmailer({
    config: config.emailer,
    templates: loadEmailTemplates(config.emailTemplatesDir),
    issuerName: config.issuerName ?? 'dex',
    logger,
    registry: metrics.registry,
  });
  try {
    await db.ping();
    // Idempotent and safe beside other overlords: makes the first key, proves the key secrets
    // open the stored keys (KEYS_UNDECRYPTABLE otherwise), and catches up a chain left behind.
    const keyPublishDelayMs = config.keyPublishDelayMs ?? DEFAULT_KEY_PUBLISH_DELAY_MS;
    // Also records the publish delay, from which workers derive their JWKS max-age.
    const rotation = await rotateSigningKeys(db.prisma, {
      secrets: config.keySecrets,
      keyPeriodMs: config.keyPeriodMs,
      publishDelayMs: keyPublishDelayMs,
      alg: config.keyAlg ?? 'RS256',
    });
    if (rotation.created.length > 0) logger.info({ created: rotation.created }, 'generated signing keys');
    const reencrypted = await reencryptSigningKeys(db.prisma, { secrets: config.keySecrets });
    if (reencrypted.length > 0) logger.info({ kids: reencrypted }, 'signing keys re-encrypted under the first key secret');
    const consoleDir = config.consoleDir === undefined ? DEFAULT_CONSOLE_DIR : config.consoleDir;
    if (consoleDir !== null && config.buildConsole === true) consoleBuild = ensureConsoleBuilt({ dir: consoleDir, logger });
    const consoleIssuer = config.consoleIssuer ?? null;
    const clientSecret = consoleClientSecret(config.adminApiSecret);
    // Known once the admin API listens (the port may be 0).
    let redirectUri = '';
    const app = createAdminApp({
      db,
      logger,
      adminApiSecret: config.adminApiSecret,
      localConnectorId: config.localConnectorId,
      keySecrets: config.keySecrets,
      keyPeriodMs: config.keyPeriodMs,
      keyPublishDelayMs,
      consoleOrigins: config.consoleOrigins ?? [],
      consoleDir,
      consoleBuild,
      keyAlg: config.keyAlg ?? 'RS256',
      metrics,
      mail: { issuer: config.issuer, emailer },
      consoleSignIn: {
        worker: consoleIssuer === null ? null : workerProvider({ issuer: consoleIssuer, clientId: CONSOLE_CLIENT_ID, clientSecret }),
        redirectUri: () => redirectUri,
      },
      ...(config.connectorTestTimeoutMs === undefined ? {} : { connectorTestTimeoutMs: config.connectorTestTimeoutMs }),
    });
    http = await listenOn({
      listen: config.adminListen,
      handler: app,
      ...(config.timeouts === undefined ? {} : { timeouts: config.timeouts }),
      clientErrorBody: (message) => ({ code: 'BAD_REQUEST', message }),
    });
    redirectUri = new URL(CONSOLE_SIGN_IN_PATHS.callback, config.publicUrl ?? http.url).href;
    if (consoleIssuer !== null) {
      await ensureConsoleClients(db.prisma, { redirectUri, secret: clientSecret });
      logger.info({ issuer: consoleIssuer.href, redirectUri }, 'console sign-in through dex');
    }
    runner = new JobRunner({
      context: { prisma: db.prisma, logger, metrics },
      jobs: [
        rotateSigningKeysJob({
          secrets: config.keySecrets,
          keyPeriodMs: config.keyPeriodMs,
          publishDelayMs: keyPublishDelayMs,
          alg: config.keyAlg ?? 'RS256',
        }),
        collectGarbageJob({
          intervalMs: config.gcIntervalMs,
          ...(config.loginEventsRetentionMs === undefined ? {} : { loginEventsRetentionMs: config.loginEventsRetentionMs }),
        }),
      ],
      leaseTtlMs: config.leaderLeaseTtlMs ?? 15_000,
    });
    await runner.start();
    heartbeat = await startHeartbeat(db.prisma, {
      kind: 'overlord',
      address: http.url.origin,
      sample: async () => ({ signingKeyId: null, publishedKeyIds: [], connectorHealth: {} }),
      onError: (error) => logger.debug({ err: error }, 'cannot write the heartbeat'),
    });
  } catch (error) {
    await heartbeat?.stop();
    await consoleBuild?.stop();
    await runner?.stop();
    await http?.close();
    await db.close();
    throw error;
  }
  const server = http;
  const jobs = runner;
  const build = consoleBuild;
  const beats = heartbeat;
  logger.info({ adminUrl: server.url.origin }, 'admin API listening');
  if (usesInsecureTestPasswordHashing())
    logger.warn('passwords are hashed at test strength (DEX_INSECURE_TEST_PASSWORD_HASHING=1): never in production');
  return {
    adminUrl: server.url,
    db,
    jobs,
    async stop() {
      logger.info('draining');
      await beats.stop();
      await build?.stop();
      // The lease is given up at once (a standby takes over) while the admin API drains.
      await Promise.all([jobs.stop(), server.close()]);
      emailer.close();
      await db.close();
      logger.info('stopped');
    },
  };
}

/** The `dex-overlord` command. Resolves with the exit status. */
export function runOverlordCli(argv: readonly string[]): Promise<number> {
  return runServerCli({ program: PROGRAM, read: () => readOverlordConfig(argv), start: (config) => startOverlord(config) });
}
