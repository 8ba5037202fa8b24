import type { TEmailerConfig } from '@dex/shared/email';
import { createLogger, type Logger } from '@dex/shared/logging';
import { createTestDatabase, type TestDatabase, testSecrets } from '@dex/shared/testing';
import { type RunningOverlord, startOverlord } from '../src/main.ts';

/** An overlord running in-process on port 0 against its own fresh database, for admin API component tests. */
export interface AdminHarness {
  readonly overlord: RunningOverlord;
  /** The admin API secret it runs with. */
  readonly secret: string;
  /** The database the overlord runs on, for processes started beside it (workers). */
  readonly dbUrl: string;
  /** The overlord's admin API secret (what the break-glass sign-in takes). */
  readonly adminApiSecret: string;
  /** The overlord's key secret (base64), which workers beside it need. */
  readonly keySecretText: string;
  /** Calls the admin API with the admin secret (`secret: null` sends none); a `body` is sent as JSON. */
  call(path: string, init?: RequestInit & { secret?: string | null }): Promise<Response>;
  /** Calls and reads the JSON answer with its status. */
  json(path: string, init?: RequestInit & { secret?: string | null }): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

/** Settings a test may add to the overlord's configuration. */
export interface AdminHarnessOptions {
  consoleOrigins?: readonly string[];
  /** The console renderer to serve at `/console/` (null: none). */
  consoleDir?: string | null;
  /** Header, request and shutdown timeouts of the admin API. */
  timeouts?: { headerTimeoutMs: number; requestTimeoutMs: number; shutdownTimeoutMs: number };
  /** The worker's issuer for "Sign in with dex" (`--console-issuer`). */
  consoleIssuer?: URL | null;
  /** A PostgreSQL server other than `DEX_TEST_PG_URL` (one the test owns and may stop). */
  pgUrl?: string;
  /** The workers' issuer, for the links of emails (`--issuer`). */
  issuer?: string;
  /** The emailer (`--email-cfg`). */
  emailer?: TEmailerConfig;
  /** The bound of each step of "Test connection". */
  connectorTestTimeoutMs?: number;
  /** Where the overlord logs (default: nowhere). */
  logger?: Logger;
}

/** Starts an overlord for one test file: `beforeAll(async () => { harness = await startAdminHarness(provider); })`. */
export async function startAdminHarness(
  provider: 'sqlite' | 'postgresql',
  { pgUrl, logger, ...options }: AdminHarnessOptions = {},
): Promise<AdminHarness> {
  const secrets = testSecrets();
  const database: TestDatabase = await createTestDatabase(provider, { pgUrl: pgUrl ?? process.env.DEX_TEST_PG_URL, migrate: false });
  let overlord: RunningOverlord;
  try {
    overlord = await startOverlord(
      {
        dbUrl: database.url,
        keySecrets: [secrets.keySecret],
        dbMigrate: true,
        keyPeriodMs: 86_400_000,
        gcIntervalMs: 3_600_000,
        adminListen: new URL('http://127.0.0.1:0'),
        adminApiSecret: secrets.adminApiSecret,
        localConnectorId: 'local',
        logDebug: false,
        ...options,
      },
      { logger: logger ?? createLogger({ name: 'dex-overlord', silent: true }) },
    );
  } catch (error) {
    await database.drop();
    throw error;
  }
  const base = overlord.adminUrl.origin;
  const call: AdminHarness['call'] = (path, init = {}) => {
    const { secret, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (secret !== null) headers.set('authorization', secret ?? secrets.adminApiSecret);
    if (rest.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
    return fetch(`${base}${path}`, { ...rest, headers });
  };
  return {
    overlord,
    secret: secrets.adminApiSecret,
    dbUrl: database.url,
    adminApiSecret: secrets.adminApiSecret,
    keySecretText: secrets.keySecretText,
    call,
    async json(path, init) {
      const response = await call(path, init);
      return { status: response.status, body: await response.json() };
    },
    async stop() {
      await overlord.stop();
      await database.drop();
    },
  };
}
