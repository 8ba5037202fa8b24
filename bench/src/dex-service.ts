import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createDatabase } from '@dex/shared/db';
import { createClient } from '@dex/shared/domain/clients';
import { setConnectorConfigs } from '@dex/shared/domain/connectors';
import { createUser } from '@dex/shared/domain/users';
import { DEX_BINS, freePort, loginForRefreshToken } from '@dex/shared/testing';
import { type ChildService, startChild } from './child-process.ts';

/** A running dex (overlord + one worker) seeded with what the bench needs. */
export interface DexTarget {
  readonly issuer: string;
  /** The database both processes use (`--db-url`). */
  readonly dbUrl: string;
  /** The worker's origin (`http://127.0.0.1:<port>`): the load generator connects here. */
  readonly origin: string;
  /** The issuer's path (`/dex`), which prefixes every route. */
  readonly basePath: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly worker: ChildService;
  /** From spawning the first worker to its "worker listening" line (that line's timestamp). */
  readonly workerReadyMs: number;
  /** The overlord's admin API (`http://127.0.0.1:<port>`) and its secret. */
  readonly adminUrl: string;
  readonly adminApiSecret: string;
  /** Logs the bench user in once through the real pages and returns a fresh refresh token (a new family). */
  newRefreshToken(): Promise<string>;
  /**
   * Starts one more dex-worker process on the same database with the same issuer and key
   * secrets, listening on its own port (a load balancer would sit in front of them).
   */
  addWorker(): Promise<{ origin: string; worker: ChildService }>;
  stop(): Promise<void>;
}

const USER = { email: 'bench@example.com', password: 'bench-password-1' };
const REDIRECT_URI = 'http://127.0.0.1/bench/callback';

/**
 * Starts dex-overlord (migrates the database, creates the signing key, serves the admin
 * API), seeds a confidential client, a local user and the local connector, then starts one
 * dex-worker. Both are child processes with their logs in `workDir`.
 * `nodeFlags` go before the worker's script (e.g. `--cpu-prof`).
 */
export async function startDex(options: {
  dbUrl: string;
  workDir: string;
  label: string;
  workerNodeFlags?: readonly string[];
}): Promise<DexTarget> {
  const keySecrets = randomBytes(32).toString('base64');
  const adminApiSecret = randomBytes(128).toString('base64');
  const started: ChildService[] = [];
  const stopAll = async () => {
    for (const service of [...started].reverse()) await service.stop();
  };
  try {
    const adminUrl = `http://127.0.0.1:${await freePort()}`;
    const overlord = startChild({
      name: `dex-overlord (${options.label})`,
      logFile: join(options.workDir, `overlord-${options.label}.log`),
      nodeArgs: [
        DEX_BINS.overlord,
        ['--db-url', options.dbUrl],
        ['--key-secrets', keySecrets],
        ['--admin-api-secret', adminApiSecret],
        ['--admin-listen', adminUrl],
      ].flat(),
    });
    started.push(overlord);
    await overlord.waitForLog('admin API listening');

    const db = await createDatabase({ url: options.dbUrl });
    let client: { id: string; secret: string };
    try {
      await setConnectorConfigs(db.prisma, [{ type: 'local', id: 'local' }]);
      const created = await createClient(db.prisma, { redirectUris: [REDIRECT_URI], name: 'bench', trusted: true });
      client = { id: created.client.id, secret: created.secret };
      await createUser(db.prisma, { ...USER, displayName: 'Bench User', emailVerified: true });
    } finally {
      await db.close();
    }

    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const issuer = `${origin}/dex`;
    const startWorker = async (workerOrigin: string, suffix: string) => {
      const worker = startChild({
        name: `dex-worker (${options.label}${suffix})`,
        logFile: join(options.workDir, `worker-${options.label}${suffix}.log`),
        nodeArgs: [
          ...(options.workerNodeFlags ?? []),
          DEX_BINS.worker,
          ['--db-url', options.dbUrl],
          ['--key-secrets', keySecrets],
          ['--listen', workerOrigin],
          ['--issuer', issuer],
        ].flat(),
      });
      started.push(worker);
      const listening = await worker.waitForLog('worker listening');
      await worker.waitForHttp(`${workerOrigin}${new URL(issuer).pathname}/health`);
      return { worker, readyMs: Number(listening.time) - worker.spawnedAtMs };
    };
    const { worker, readyMs: workerReadyMs } = await startWorker(origin, '');

    return {
      issuer,
      dbUrl: options.dbUrl,
      origin,
      basePath: new URL(issuer).pathname,
      clientId: client.id,
      clientSecret: client.secret,
      worker,
      workerReadyMs,
      adminUrl,
      adminApiSecret,
      newRefreshToken: () =>
        loginForRefreshToken({
          issuer,
          clientId: client.id,
          clientSecret: client.secret,
          redirectUri: REDIRECT_URI,
          login: USER.email,
          password: USER.password,
        }),
      async addWorker() {
        const extraOrigin = `http://127.0.0.1:${await freePort()}`;
        return { origin: extraOrigin, worker: (await startWorker(extraOrigin, `-${started.length}`)).worker };
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
