import { createDatabase } from '@dex/shared/db';
import { setConnectorConfigs } from '@dex/shared/domain/connectors';
import { createTestDatabase, freePort, type Service, startDexProcess, type TestDatabase, testSecrets } from '@dex/shared/testing';
import type { DriverUnderTest } from './dexctl.ts';

/** An overlord and a worker on a fresh database, as an operator would run them, with dexctl's two ways in. */
export interface DexStack {
  readonly provider: 'sqlite' | 'postgresql';
  readonly dbUrl: string;
  /** The overlord's admin API, `http://127.0.0.1:<port>`. */
  readonly adminUrl: string;
  readonly adminSecret: string;
  /** The key secret (base64) both processes were given. */
  readonly keySecret: string;
  /** The worker's issuer, `http://127.0.0.1:<port>/dex`. */
  readonly issuer: string;
  /** The database driver, then the admin API driver. */
  readonly drivers: readonly [DriverUnderTest, DriverUnderTest];
  stop(): Promise<void>;
}

/**
 * Starts `dex-overlord` (it migrates the empty database and makes the first signing key),
 * stores the local connector, then starts `dex-worker`. The connector is stored in-process, not
 * through a dexctl process: that command has tests of its own, and a process start costs seconds
 * on a busy machine.
 * Whatever started is stopped again if a step fails.
 * @example const stack = await startDexStack('sqlite', {}); ...; await stack.stop();
 */
export async function startDexStack(
  provider: 'sqlite' | 'postgresql',
  options: {
    pgUrl?: string | undefined;
    /** Start the overlord with `--console-issuer` (the worker): "Sign in with dex". */
    consoleSignIn?: boolean;
  },
): Promise<DexStack> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const database: TestDatabase = await createTestDatabase(provider, {
      ...(options.pgUrl === undefined ? {} : { pgUrl: options.pgUrl }),
      migrate: false,
    });
    cleanups.push(() => database.drop());
    const secrets = testSecrets();
    const adminUrl = `http://127.0.0.1:${await freePort()}`;
    // Known before the overlord starts, which may name it as its console issuer.
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}/dex`;
    const overlord: Service = await startDexProcess(
      'overlord',
      [
        '--db-url',
        database.url,
        '--key-secrets',
        secrets.keySecretText,
        '--admin-api-secret',
        secrets.adminApiSecret,
        '--admin-listen',
        adminUrl,
        ...(options.consoleSignIn === true ? ['--console-issuer', issuer] : []),
      ],
      'admin API listening',
    );
    cleanups.push(() => overlord.stop());

    const setup = await createDatabase({ url: database.url, maxConnections: 1 });
    try {
      await setConnectorConfigs(setup.prisma, [{ type: 'local', id: 'local' }]);
    } finally {
      await setup.close();
    }

    const worker = await startDexProcess(
      'worker',
      ['--db-url', database.url, '--key-secrets', secrets.keySecretText, '--listen', `http://127.0.0.1:${port}`, '--issuer', issuer],
      'worker listening',
    );
    cleanups.push(() => worker.stop());

    return {
      provider,
      dbUrl: database.url,
      adminUrl,
      adminSecret: secrets.adminApiSecret,
      keySecret: secrets.keySecretText,
      issuer,
      drivers: [
        { name: 'database', args: ['--db-url', database.url], env: {} },
        { name: 'admin API', args: ['--admin-url', adminUrl], env: { DEXCTL_ADMIN_SECRET: secrets.adminApiSecret } },
      ],
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
