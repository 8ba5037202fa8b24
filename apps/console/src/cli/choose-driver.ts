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
  | { readonly kind: 'admin-api'; readonly url: URL; readonly secret: string };

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

const NO_DRIVER_MESSAGE = "no driver: give --db-url (the database) or --admin-url with --admin-secret (the overlord's admin API)";

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

/**
 * Picks the driver: `--db-url` or `--admin-url` on the command line, else `DEXCTL_DB_URL`
 * or `DEXCTL_ADMIN_URL`. Both at the same level, or neither, is a usage error, and so is a
 * flag of the other driver given on the command line (`--key-secrets` with `--admin-url`).
 * @throws AppError `INVALID_CONFIG` naming the flag.
 * @example chooseDriver({ flags: { 'db-url': 'file:./dex.db' }, env: {} }).kind // 'database'
 */
export function chooseDriver(sources: DriverSources): DriverChoice {
  const kind = chooseKind(sources);
  const own: readonly string[] = kind === 'database' ? DATABASE_DRIVER_FLAGS : API_DRIVER_FLAGS;
  const other: readonly string[] = kind === 'database' ? API_DRIVER_FLAGS : DATABASE_DRIVER_FLAGS;
  const misplaced = other.find((name) => sources.flags[name] !== undefined);
  if (misplaced !== undefined) {
    throw usageError(`--${misplaced} is only used with ${kind === 'database' ? '--admin-url' : '--db-url'}`);
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
  if (values['admin-secret'] === undefined) {
    throw usageError(`--admin-url needs --admin-secret (or ${ENV_PREFIX}_ADMIN_SECRET): the overlord's --admin-api-secret`);
  }
  const flags = parseConfig(ZApiFlags, values);
  return Object.freeze({ kind, url: flags['admin-url'], secret: flags['admin-secret'] });
}

function chooseKind(sources: DriverSources): DriverChoice['kind'] {
  for (const level of [sources.flags, sources.env]) {
    const hasDatabase = level['db-url'] !== undefined;
    const hasApi = level['admin-url'] !== undefined;
    if (hasDatabase && hasApi) {
      throw usageError(
        level === sources.flags
          ? '--db-url and --admin-url cannot be used together: choose one driver'
          : `${ENV_PREFIX}_DB_URL and ${ENV_PREFIX}_ADMIN_URL are both set: unset one, or choose with --db-url or --admin-url`,
      );
    }
    if (hasDatabase) return 'database';
    if (hasApi) return 'admin-api';
  }
  throw usageError(NO_DRIVER_MESSAGE);
}
