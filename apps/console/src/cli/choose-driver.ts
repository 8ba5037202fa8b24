import { parseConfig, usageError, zDbUrl, zDuration, zHttpUrl, zKeySecrets } from '@dex/shared/config';
import { z } from 'zod';
import { ENV_PREFIX } from './usage.ts';

/** The driver a command runs on, with its validated settings. */
export type DriverChoice =
  | {
      readonly kind: 'database';
      readonly url: string;
      /** `--key-secrets`, needed only to rotate keys. */
      readonly keySecrets: readonly Buffer[] | undefined;
      /** `--key-period`; undefined means "that of the active key". */
      readonly keyPeriodMs: number | undefined;
    }
  | { readonly kind: 'admin-api'; readonly url: URL; readonly secret: string }
  | { readonly kind: 'worker-api'; readonly issuer: URL; readonly clientId: string; readonly clientSecret: string };

/** Where the global flag values came from: flags beat variables. */
export interface DriverSources {
  /** Values given on the command line. */
  readonly flags: Readonly<Record<string, string>>;
  /** Values of the `DEXCTL_*` variables. */
  readonly env: Readonly<Record<string, string>>;
}

/** The global flags of each driver; those of the other driver are refused on the command line. */
const DATABASE_DRIVER_FLAGS = ['db-url', 'key-secrets', 'key-period'] as const;
const API_DRIVER_FLAGS = ['admin-url', 'admin-secret'] as const;
const WORKER_DRIVER_FLAGS = ['endpoint', 'client-id', 'client-secret'] as const;
const DRIVER_FLAGS = { database: DATABASE_DRIVER_FLAGS, 'admin-api': API_DRIVER_FLAGS, 'worker-api': WORKER_DRIVER_FLAGS } as const;
/** The flag that picks each driver. */
const DRIVER_FLAG = { database: 'db-url', 'admin-api': 'admin-url', 'worker-api': 'endpoint' } as const;

const NO_DRIVER_MESSAGE =
  "no driver: give --db-url (the database), --admin-url with --admin-secret (the overlord's admin API), " +
  "or --endpoint with --client-id and --client-secret (the worker's API, as an admin client)";

const ZDatabaseFlags = z.object({ 'db-url': zDbUrl, 'key-secrets': zKeySecrets.optional(), 'key-period': zDuration.optional() });
const ZApiFlags = z.object({
  'admin-url': zHttpUrl.refine((url) => url.search === '' && url.hash === '' && url.username === '' && url.password === '', {
    message: 'must be the base URL of the admin API, without credentials, query or fragment',
  }),
  'admin-secret': z
    .string()
    .transform((text) => text.trim())
    .pipe(z.string().regex(/^[\x21-\x7e]+$/, "must be the overlord's --admin-api-secret (base64 text)")),
});
const ZWorkerFlags = z.object({
  endpoint: zHttpUrl.refine((url) => url.search === '' && url.hash === '' && url.username === '' && url.password === '', {
    message: "must be the worker's issuer URL, without credentials, query or fragment",
  }),
  'client-id': z.string().min(1, 'must not be empty'),
  'client-secret': z.string().min(1, 'must not be empty'),
});

/**
 * Picks the driver: `--db-url` or `--admin-url` on the command line, else `DEXCTL_DB_URL`
 * or `DEXCTL_ADMIN_URL`. Both at the same level, or neither, is a usage error, and so is a
 * flag of the other driver given on the command line (`--key-secrets` with `--admin-url`).
 * @throws AppError `INVALID_CONFIG` naming the flag.
 * @example chooseDriver({ flags: { 'db-url': 'file:./dex.db' }, env: {} }).kind // 'database'
 */
export function chooseDriver(sources: DriverSources): DriverChoice {
  const kind = chooseKind(sources);
  const own: readonly string[] = DRIVER_FLAGS[kind];
  for (const other of ['database', 'admin-api', 'worker-api'] as const) {
    if (other === kind) continue;
    const misplaced = DRIVER_FLAGS[other].find((name) => sources.flags[name] !== undefined);
    if (misplaced !== undefined) throw usageError(`--${misplaced} is only used with --${DRIVER_FLAG[other]}`);
  }
  const values: Record<string, string> = {};
  for (const name of own) {
    const value = sources.flags[name] ?? sources.env[name];
    if (value !== undefined) values[name] = value;
  }
  if (kind === 'database') {
    const flags = parseConfig(ZDatabaseFlags, values);
    return Object.freeze({ kind, url: flags['db-url'], keySecrets: flags['key-secrets'], keyPeriodMs: flags['key-period'] });
  }
  if (kind === 'worker-api') {
    for (const name of ['client-id', 'client-secret']) {
      if (values[name] === undefined) {
        throw usageError(
          `--endpoint needs --${name} (or ${ENV_PREFIX}_${name.toUpperCase().replace('-', '_')}): an admin client's credentials`,
        );
      }
    }
    const flags = parseConfig(ZWorkerFlags, values);
    return Object.freeze({ kind, issuer: flags.endpoint, clientId: flags['client-id'], clientSecret: flags['client-secret'] });
  }
  if (values['admin-secret'] === undefined) {
    throw usageError(`--admin-url needs --admin-secret (or ${ENV_PREFIX}_ADMIN_SECRET): the overlord's --admin-api-secret`);
  }
  const flags = parseConfig(ZApiFlags, values);
  return Object.freeze({ kind, url: flags['admin-url'], secret: flags['admin-secret'] });
}

function chooseKind(sources: DriverSources): DriverChoice['kind'] {
  for (const level of [sources.flags, sources.env]) {
    const given = (['database', 'admin-api', 'worker-api'] as const).filter((kind) => level[DRIVER_FLAG[kind]] !== undefined);
    if (given.length > 1) {
      const names = given.map((kind) => DRIVER_FLAG[kind]);
      throw usageError(
        level === sources.flags
          ? `${names.map((name) => `--${name}`).join(' and ')} cannot be used together: choose one driver`
          : `${names.map((name) => `${ENV_PREFIX}_${name.toUpperCase().replace('-', '_')}`).join(' and ')} are ${given.length === 2 ? 'both' : 'all'} set: unset ${given.length === 2 ? 'one' : 'all but one'}, or choose with ${names.map((name) => `--${name}`).join(' or ')}`,
      );
    }
    if (given[0] !== undefined) return given[0];
  }
  throw usageError(NO_DRIVER_MESSAGE);
}
