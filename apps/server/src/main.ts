import { usesInsecureTestPasswordHashing } from '@dex/shared/crypto';
import { createDatabase, type Database } from '@dex/shared/db';
import { type ListeningServer, listenOn } from '@dex/shared/http';
import { createLogger, type Logger } from '@dex/shared/logging';
import { runServerCli } from '@dex/shared/process';
import { createWorkerApp } from './app.ts';
import type { RouteTable } from './http/router.ts';
import { startWorkerHeartbeat } from './ops/worker-heartbeat.ts';
import { PROGRAM, readWorkerConfig, type WorkerConfig } from './env.ts';

export interface RunningWorker {
  /** The base URL the worker listens on. */
  readonly url: URL;
  /** With `--metrics-listen`: where `/metrics` and `/health` are served. */
  readonly metricsUrl?: URL;
  readonly issuer: string;
  readonly db: Database;
  /** The route table it serves (paths below the issuer path). */
  readonly routes: RouteTable;
  stop(): Promise<void>;
}

export interface StartWorkerOptions {
  logger?: Logger;
}

/**
 * Starts a worker: connects to the database (it never migrates or generates keys: the
 * overlord does) and serves the provider. Tests call this with port 0.
 * @example const worker = await startWorker(config); ...; await worker.stop();
 */
export async function startWorker(config: Readonly<WorkerConfig>, options: StartWorkerOptions = {}): Promise<RunningWorker> {
  const logger = options.logger ?? createLogger({ name: PROGRAM, debug: config.logDebug });
  const db = await createDatabase({ url: config.dbUrl });
  let ops: ListeningServer | undefined;
  try {
    await db.ping();
    const { handler, opsHandler, keys, routes, connectors, emailer } = createWorkerApp({ db, logger, config });
    const keySet = await keys.get();
    if (keySet.active === null) logger.warn('no active signing key yet: start dex-overlord, which creates it');
    const serving = {
      ...(config.timeouts === undefined ? {} : { timeouts: config.timeouts }),
      clientErrorBody: (description: string) => ({ error: 'invalid_request', error_description: description }),
    };
    if (config.metricsListen !== undefined && opsHandler !== undefined) {
      ops = await listenOn({ listen: config.metricsListen, handler: opsHandler, ...serving });
      logger.info({ url: ops.url.origin }, 'metrics listening');
    }
    const http = await listenOn({
      listen: config.listen,
      handler,
      ...serving,
      ...(config.tlsCertFile === undefined ? {} : { tlsCertFile: config.tlsCertFile }),
      ...(config.tlsKeyFile === undefined ? {} : { tlsKeyFile: config.tlsKeyFile }),
    });
    const heartbeat = await startWorkerHeartbeat({ prisma: db.prisma, keys, connectors, address: config.issuer, logger });
    logger.info({ url: http.url.origin, issuer: config.issuer }, 'worker listening');
    if (usesInsecureTestPasswordHashing())
      logger.warn('passwords are hashed at test strength (DEX_INSECURE_TEST_PASSWORD_HASHING=1): never in production');
    const metricsServer = ops;
    return {
      url: http.url,
      ...(metricsServer === undefined ? {} : { metricsUrl: metricsServer.url }),
      issuer: config.issuer,
      db,
      routes,
      async stop() {
        logger.info('draining');
        await heartbeat.stop();
        await Promise.all([http.close(), metricsServer?.close()]);
        // Emails queued after answering still go out (they read the database) before it closes.
        await emailer.drain();
        emailer.close();
        await db.close();
        logger.info('stopped');
      },
    };
  } catch (error) {
    await ops?.close();
    await db.close();
    throw error;
  }
}

/** The `dex-worker` command. Resolves with the exit status. */
export function runWorkerCli(argv: readonly string[]): Promise<number> {
  return runServerCli({ program: PROGRAM, read: () => readWorkerConfig(argv), start: (config) => startWorker(config) });
}
