import { z } from 'zod';
import {
  type FlagSpec,
  type Invocation,
  parseConfig,
  readInvocation,
  SERVER_TIMEOUT_FLAGS,
  type ServerTimeouts,
  serverTimeouts,
  zBase64SecretText,
  zBooleanFlag,
  zDbUrl,
  zDuration,
  zHttpUrl,
  zKeySecrets,
  usageError,
  ZServerTimeoutFlags,
  zOriginList,
} from '@dex/shared/config';
import { DEFAULT_KEY_PUBLISH_DELAY_MS, MIN_KEY_PUBLISH_DELAY_MS } from '@dex/shared/domain/keys';
import { DEFAULT_LOGIN_EVENTS_RETENTION_MS } from '@dex/shared/domain/login-events';
import { readEmailerConfig, type TEmailerConfig } from '@dex/shared/email';
import { DEX_VERSION } from '@dex/shared/version';
import { DEFAULT_CONSOLE_DIR } from './console/serve-console.ts';

export const PROGRAM = 'dex-overlord';
const ENV_PREFIX = 'DEX_OVERLORD';

/** dex v0's admin API secret is base64 of exactly 128 bytes (reference §1.3). */
export const ADMIN_API_SECRET_BYTES = 128;

/** The longest `--key-publish-delay`: the JWKS max-age stops growing at an hour anyway. */
const MAX_KEY_PUBLISH_DELAY_MS = 24 * 3_600_000;

const FLAGS: readonly FlagSpec[] = [
  { name: 'db-url', description: 'Database URL: file:./path.db (SQLite) or postgres://user@host:5432/db (PostgreSQL). Required.' },
  { name: 'key-secrets', description: 'Comma-separated base64 32-byte secrets; the first encrypts signing keys, all decrypt. Required.' },
  { name: 'db-migrate', boolean: true, defaultText: 'true', description: 'Apply database migrations at start.' },
  { name: 'key-period', defaultText: '24h', description: 'How long a signing key signs before it is rotated.' },
  {
    name: 'key-publish-delay',
    defaultText: '5m',
    description:
      'How long a new signing key is in every JWKS before it signs (scheduled and on-demand rotations): 5 s for the workers to see it, the rest is how long relying parties may cache the JWKS. From 5s to half the --key-period, at most 24h.',
  },
  { name: 'gc-interval', defaultText: '1h', description: 'How often expired sessions, codes and tokens are collected.' },
  {
    name: 'login-events-retention',
    defaultText: '720h',
    description: "How long the workers' login events are kept before garbage collection deletes them.",
  },
  { name: 'admin-listen', defaultText: 'http://127.0.0.1:5557', description: 'Address of the admin API (plain HTTP).' },
  {
    name: 'admin-api-secret',
    description: 'base64 of 128 random bytes, sent by callers as the Authorization header. Required: there is no unauthenticated mode.',
  },
  { name: 'key-alg', defaultText: 'RS256', description: 'Algorithm of new signing keys: RS256 or ES256.' },
  {
    name: 'leader-lease-ttl',
    defaultText: '15s',
    description: 'How long the leadership of the periodic jobs lasts without renewal; a standby takes over within about this long.',
  },
  {
    name: 'console-origins',
    description: 'Comma-separated origins (https://admin.example) allowed to call the admin API from a browser (CORS).',
  },
  {
    name: 'console-dir',
    defaultText: 'apps/console/dist/renderer of this repository, built at the first start when absent',
    description: 'The built console renderer, served at /console/ on the admin address.',
  },
  {
    name: 'console-issuer',
    description:
      'Issuer URL of the deployment\'s dex worker (http://127.0.0.1:5556/dex) through which admins sign in to the console ("Sign in with dex"). Without it the console offers only the break-glass sign-in with the admin API secret.',
  },
  {
    name: 'public-url',
    defaultText: 'the --admin-listen address',
    description: "The URL at which browsers reach this overlord; the console client's redirect URI is <public-url>/console/callback.",
  },
  { name: 'disable-console', boolean: true, defaultText: 'false', description: 'Serve no console at /console/.' },
  ...SERVER_TIMEOUT_FLAGS,
  {
    name: 'issuer',
    description:
      "The workers' issuer URL (http://127.0.0.1:5556/dex): the links of the invitation and password-reset emails the admin API sends point there.",
  },
  { name: 'issuer-name', defaultText: 'dex', description: 'Name used in the emails.' },
  {
    name: 'email-cfg',
    description:
      "Emailer config JSON file, as the worker's --email-cfg; without it the admin API returns the links instead of sending them.",
  },
  { name: 'email-templates', description: "Directory of email templates, as the worker's --email-templates." },
  { name: 'local-connector', defaultText: 'local', description: 'Connector id of the local identities of admin users.' },
  { name: 'log-debug', boolean: true, defaultText: 'false', description: 'Log at debug level.' },
  { name: 'version', boolean: true, env: false, description: 'Print the version and exit.' },
];

const ZOverlordFlags = z.object({
  'db-url': zDbUrl,
  'key-secrets': zKeySecrets,
  'db-migrate': zBooleanFlag.default(true),
  'key-period': zDuration.default(24 * 3_600_000),
  'key-publish-delay': zDuration.default(DEFAULT_KEY_PUBLISH_DELAY_MS),
  'gc-interval': zDuration.default(3_600_000),
  'login-events-retention': zDuration.default(DEFAULT_LOGIN_EVENTS_RETENTION_MS),
  'admin-listen': zHttpUrl.default(new URL('http://127.0.0.1:5557')),
  'admin-api-secret': zBase64SecretText(ADMIN_API_SECRET_BYTES),
  'key-alg': z.enum(['RS256', 'ES256']).default('RS256'),
  'leader-lease-ttl': zDuration.default(15_000),
  'console-origins': zOriginList({ wildcard: false }).default([]),
  'console-dir': z.string().min(1, 'console-dir must be a directory').default(DEFAULT_CONSOLE_DIR),
  'disable-console': zBooleanFlag.default(false),
  'console-issuer': zHttpUrl.optional(),
  'public-url': zHttpUrl.optional(),
  ...ZServerTimeoutFlags,
  'local-connector': z.string().min(1).default('local'),
  issuer: zHttpUrl.optional(),
  'issuer-name': z.string().min(1).default('dex'),
  'email-cfg': z.string().min(1).optional(),
  'email-templates': z.string().min(1).optional(),
  'log-debug': zBooleanFlag.default(false),
});

export interface OverlordConfig {
  dbUrl: string;
  keySecrets: readonly Buffer[];
  dbMigrate: boolean;
  keyPeriodMs: number;
  /** How long a new key is published before it signs (default 5 min, `--key-publish-delay`). */
  keyPublishDelayMs?: number;
  gcIntervalMs: number;
  /** How long login events are kept (default 30 days, `--login-events-retention`). */
  loginEventsRetentionMs?: number;
  adminListen: URL;
  adminApiSecret: string;
  localConnectorId: string;
  /** Algorithm of new signing keys (default RS256). */
  keyAlg?: 'RS256' | 'ES256';
  /** Leadership lease of the periodic jobs (default 15 s). */
  leaderLeaseTtlMs?: number;
  /** Browser origins allowed to call the admin API (default none). */
  consoleOrigins?: readonly string[];
  /** The built console renderer served at `/console/`, or null for none (default: this repository's build). */
  consoleDir?: string | null;
  /** The worker's issuer that admins sign in to the console through (`--console-issuer`); none: break-glass only. */
  consoleIssuer?: URL | null;
  /** Where browsers reach this overlord (`--public-url`; default: the address it listens on). */
  publicUrl?: URL | null;
  /** Header, request and shutdown timeouts of the admin API (default 10 s, 30 s, 10 s). */
  timeouts?: Readonly<ServerTimeouts>;
  /**
   * Build the renderer into `consoleDir` when it has none (a fresh clone's first start). The
   * command does when `--console-dir` is not given; in-process starts (tests) do not.
   */
  buildConsole?: boolean;
  /** The workers' issuer (`--issuer`), for the links in emails; without it the admin API sends none. */
  issuer?: string;
  /** Name used in the emails (`--issuer-name`, default dex). */
  issuerName?: string;
  /** The emailer (`--email-cfg`, read and checked at start). */
  emailer?: TEmailerConfig;
  /** `--email-templates`. */
  emailTemplatesDir?: string;
  /** The bound of each request or LDAP operation of "Test connection" (default 5 s; tests shorten it). */
  connectorTestTimeoutMs?: number;
  logDebug: boolean;
}

/**
 * Reads the overlord's flags and `DEX_OVERLORD_*` variables once, at boot (the only place
 * that reads the environment). Throws INVALID_CONFIG naming the flag.
 */
export function readOverlordConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Invocation<Readonly<OverlordConfig>> {
  const invocation = readInvocation({
    program: PROGRAM,
    description: 'Applies migrations, rotates signing keys, collects garbage and serves the admin API.',
    envPrefix: ENV_PREFIX,
    specs: FLAGS,
    argv,
    env,
    versionText: `dex version ${DEX_VERSION}\nnode version ${process.version}\n`,
  });
  if (invocation.kind !== 'run') return invocation;
  const flags = parseConfig(ZOverlordFlags, invocation.config);
  const delay = flags['key-publish-delay'];
  if (delay < MIN_KEY_PUBLISH_DELAY_MS || delay > MAX_KEY_PUBLISH_DELAY_MS || delay > flags['key-period'] / 2) {
    throw usageError(
      `--key-publish-delay: must be from ${MIN_KEY_PUBLISH_DELAY_MS / 1000}s (the workers' polling and margin) to half the --key-period, at most 24h`,
    );
  }
  const issuer = flags.issuer;
  if (issuer !== undefined && (issuer.search !== '' || issuer.hash !== '')) throw usageError('--issuer: must not have a query or fragment');
  let emailer: TEmailerConfig | undefined;
  if (flags['email-cfg'] !== undefined) {
    try {
      emailer = readEmailerConfig(flags['email-cfg']);
    } catch (error) {
      throw usageError(`--email-cfg: ${(error as Error).message}`);
    }
  }
  return {
    kind: 'run',
    config: Object.freeze({
      ...(issuer === undefined ? {} : { issuer: issuer.href.replace(/\/$/, '') }),
      issuerName: flags['issuer-name'],
      ...(emailer === undefined ? {} : { emailer }),
      ...(flags['email-templates'] === undefined ? {} : { emailTemplatesDir: flags['email-templates'] }),
      dbUrl: flags['db-url'],
      keySecrets: flags['key-secrets'],
      dbMigrate: flags['db-migrate'],
      keyPeriodMs: flags['key-period'],
      keyPublishDelayMs: delay,
      gcIntervalMs: flags['gc-interval'],
      loginEventsRetentionMs: flags['login-events-retention'],
      adminListen: flags['admin-listen'],
      adminApiSecret: flags['admin-api-secret'],
      localConnectorId: flags['local-connector'],
      keyAlg: flags['key-alg'],
      leaderLeaseTtlMs: flags['leader-lease-ttl'],
      consoleOrigins: flags['console-origins'],
      consoleDir: flags['disable-console'] ? null : flags['console-dir'],
      consoleIssuer: flags['console-issuer'] ?? null,
      publicUrl: flags['public-url'] ?? null,
      timeouts: serverTimeouts(flags),
      buildConsole: invocation.config['console-dir'] === undefined,
      logDebug: flags['log-debug'],
    }),
  };
}
