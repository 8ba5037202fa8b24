import { z } from 'zod';
import {
  type FlagSpec,
  type Invocation,
  parseConfig,
  readInvocation,
  SERVER_TIMEOUT_FLAGS,
  type ServerTimeouts,
  serverTimeouts,
  usageError,
  ZServerTimeoutFlags,
  zBooleanFlag,
  zDbUrl,
  zDuration,
  zDurationOrZero,
  zHttpUrl,
  zKeySecrets,
  zOriginList,
} from '@dex/shared/config';
import { readEmailerConfig, type TEmailerConfig } from '@dex/shared/email';
import { DEX_VERSION } from '@dex/shared/version';
import { parseTrustedProxies } from './http/client-address.ts';

export const PROGRAM = 'dex-worker';
const ENV_PREFIX = 'DEX_WORKER';

const FLAGS: readonly FlagSpec[] = [
  { name: 'listen', defaultText: 'http://127.0.0.1:5556', description: 'Address to serve on (http or https).' },
  { name: 'issuer', defaultText: 'http://127.0.0.1:5556/dex', description: 'Issuer URL; its path prefixes every route.' },
  { name: 'db-url', description: 'Database URL: file:./path.db (SQLite) or postgres://user@host:5432/db (PostgreSQL). Required.' },
  { name: 'key-secrets', description: 'Comma-separated base64 32-byte secrets that decrypt the signing keys. Required.' },
  { name: 'tls-cert-file', description: 'TLS certificate (PEM) for an https --listen address.' },
  { name: 'tls-key-file', description: 'TLS private key (PEM) for an https --listen address.' },
  {
    name: 'metrics-listen',
    description: "Serve /metrics and /health on this address (http) instead of <issuer>/metrics (then 404), as dex v2's telemetry port.",
  },
  ...SERVER_TIMEOUT_FLAGS,
  { name: 'issuer-name', defaultText: 'dex', description: 'Name shown on the login pages.' },
  { name: 'id-token-ttl', defaultText: '1h', description: 'Lifetime of ID and access tokens (dex v0 used 12h).' },
  { name: 'refresh-token-ttl', defaultText: '720h', description: 'Absolute lifetime of a refresh token family (30 days).' },
  { name: 'refresh-token-idle-ttl', defaultText: '168h', description: 'A refresh token unused for this long expires (7 days).' },
  {
    name: 'refresh-token-reuse-interval',
    defaultText: '3s',
    description:
      'A rotated refresh token used again within this long (concurrent refreshes) gets a sibling token instead of revoking its family; 0 turns it off.',
  },
  { name: 'sso-session-ttl', defaultText: '24h', description: 'How long a browser stays logged in (single sign-on) after a login.' },
  {
    name: 'disable-sso',
    boolean: true,
    defaultText: 'false',
    description: 'Ask for a login on every authorization request (no browser sessions).',
  },
  {
    name: 'login-max-failures',
    defaultText: '10',
    description: 'Failed password logins per account before it is locked out for --login-lockout.',
  },
  {
    name: 'login-max-failures-per-ip',
    defaultText: '100',
    description: 'Failed password logins per client address before it is locked out.',
  },
  { name: 'login-lockout', defaultText: '15m', description: 'How long the failure counts last, and so a lockout.' },
  {
    name: 'trusted-proxies',
    description:
      'Comma-separated IP addresses and CIDR ranges of load balancers and proxies: only requests from them have X-Forwarded-For believed (default: none).',
  },
  {
    name: 'enable-automatic-registration',
    boolean: true,
    defaultText: 'false',
    description: 'Create a user on the first login through an upstream connector (OIDC, LDAP), as dex v0 did.',
  },
  {
    name: 'enable-registration',
    boolean: true,
    defaultText: 'false',
    description: 'Let people create local accounts (email and password) at <issuer>/register, from the local login page (dex v0).',
  },
  {
    name: 'email-cfg',
    description:
      'Emailer config JSON file: {"type":"smtp","host","port","username","password","from"} or {"type":"fake"} (development: logs the emails, links included). Without it no email is sent.',
  },
  {
    name: 'email-templates',
    description: 'Directory whose verify-email, password-reset, invite, account-exists .txt/.html/.subject files replace the shipped ones.',
  },
  {
    name: 'api-use-client-credentials',
    boolean: true,
    defaultText: 'false',
    description:
      "Worker API: also accept an admin client's client-credentials ID token (dex v0's way); its client-credentials access token is always accepted.",
  },
  {
    name: 'enable-client-registration',
    boolean: true,
    defaultText: 'false',
    description: 'Serve OAuth 2.0 Dynamic Client Registration (RFC 7591) at <issuer>/registration, open to anyone.',
  },
  {
    name: 'device-code-ttl',
    defaultText: '10m',
    description: 'How long a device authorization request (RFC 8628) waits for the user; at most 30m.',
  },
  {
    name: 'device-poll-interval',
    defaultText: '5s',
    description: 'How often a device may poll the token endpoint (whole seconds); faster polls get slow_down.',
  },
  {
    name: 'allowed-origins',
    description:
      'Comma-separated origins (https://app.example) that browsers may call the discovery, JWKS, token, userinfo, revocation, introspection and device endpoints from (CORS), besides the origins of each client\'s redirect URIs; "*" alone allows any origin.',
  },
  {
    name: 'registration-initial-access-token',
    description:
      'Require this token (Authorization: Bearer, RFC 7591 §3) to register a client; at least 16 characters. Without it registration is open.',
  },
  {
    name: 'registration-max-per-ip',
    defaultText: '10',
    description: 'Client registrations per client address per hour; more are refused with 429 and Retry-After.',
  },
  { name: 'log-debug', boolean: true, defaultText: 'false', description: 'Log at debug level.' },
  { name: 'version', boolean: true, env: false, description: 'Print the version and exit.' },
];

/** A positive whole number flag. */
const zPositiveInt = z
  .string()
  .regex(/^[1-9]\d{0,8}$/, 'must be a positive whole number')
  .transform(Number);

const ZWorkerFlags = z.object({
  listen: zHttpUrl.default(new URL('http://127.0.0.1:5556')),
  issuer: zHttpUrl.default(new URL('http://127.0.0.1:5556/dex')),
  'db-url': zDbUrl,
  'key-secrets': zKeySecrets,
  'tls-cert-file': z.string().min(1).optional(),
  'tls-key-file': z.string().min(1).optional(),
  'metrics-listen': zHttpUrl.optional(),
  ...ZServerTimeoutFlags,
  'issuer-name': z.string().min(1).default('dex'),
  'id-token-ttl': zDuration.default(3_600_000),
  'refresh-token-ttl': zDuration.default(720 * 3_600_000),
  'refresh-token-idle-ttl': zDuration.default(168 * 3_600_000),
  'refresh-token-reuse-interval': zDurationOrZero.default(3_000),
  'sso-session-ttl': zDuration.default(24 * 3_600_000),
  'disable-sso': zBooleanFlag.default(false),
  'enable-client-registration': zBooleanFlag.default(false),
  'enable-registration': zBooleanFlag.default(false),
  'email-cfg': z.string().min(1).optional(),
  'email-templates': z.string().min(1).optional(),
  'enable-automatic-registration': zBooleanFlag.default(false),
  'api-use-client-credentials': zBooleanFlag.default(false),
  'registration-initial-access-token': z.string().min(16, 'must be at least 16 characters').optional(),
  'registration-max-per-ip': zPositiveInt.default(10),
  'login-max-failures': zPositiveInt.default(10),
  'login-max-failures-per-ip': zPositiveInt.default(100),
  'login-lockout': zDuration.default(15 * 60_000),
  'device-code-ttl': zDuration
    .refine((ms) => ms <= 30 * 60_000, 'must be at most 30m (the login it waits for lasts 30 minutes)')
    .default(10 * 60_000),
  'device-poll-interval': zDuration.refine((ms) => ms % 1000 === 0, 'must be whole seconds').default(5_000),
  'allowed-origins': zOriginList({ wildcard: true }).default([]),
  'trusted-proxies': z
    .string()
    .transform((value, ctx) => {
      const entries = value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '');
      try {
        parseTrustedProxies(entries);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
      return entries;
    })
    .default([]),
  'log-debug': zBooleanFlag.default(false),
});

export interface WorkerConfig {
  listen: URL;
  /** The issuer without a trailing slash; its path prefixes every route. */
  issuer: string;
  dbUrl: string;
  keySecrets: readonly Buffer[];
  tlsCertFile?: string;
  tlsKeyFile?: string;
  /** Where `/metrics` (and `/health`) are served instead of under the issuer (`--metrics-listen`). */
  metricsListen?: URL;
  /** Header, request and shutdown timeouts (default 10 s, 30 s, 10 s). */
  timeouts?: Readonly<ServerTimeouts>;
  issuerName: string;
  idTokenTtlMs: number;
  refreshTokenTtlMs: number;
  refreshTokenIdleTtlMs: number;
  /**
   * How long after a refresh token rotated a use of it again still succeeds (with a sibling
   * of its successor) instead of revoking its family: concurrent refreshes (dex v2's
   * `reuseInterval`). 0 turns the window off.
   */
  refreshTokenReuseIntervalMs: number;
  /** Lifetime of single sign-on browser sessions; null when SSO is off. */
  ssoSessionTtlMs: number | null;
  enableClientRegistration: boolean;
  /** Dynamic registration: the initial access token it requires (none: open), and the per-address limit per window. */
  registration?: { initialAccessToken?: string; perAddress: number; windowMs: number };
  enableAutomaticRegistration: boolean;
  /** Self-registration of local accounts at `<issuer>/register` (`--enable-registration`). */
  enableRegistration?: boolean;
  /** The emailer (`--email-cfg`, read and checked at start); none: links are handed out by the APIs instead of sent. */
  emailer?: TEmailerConfig;
  /** `--email-templates`: the directory whose files replace the shipped email templates. */
  emailTemplatesDir?: string;
  /** Worker API: take an admin client's client-credentials ID token as the client (`--api-use-client-credentials`). */
  apiUseClientCredentials?: boolean;
  /** Failed-login limits: per account, per client address, and the window (= lockout). */
  loginLimits: { perAccount: number; perAddress: number; windowMs: number };
  /** Device authorization grant (RFC 8628): how long a request lives, and the polling interval. */
  device: { codeTtlMs: number; pollIntervalSeconds: number };
  /** Origins browsers may call the machine endpoints from (CORS), or `['*']`; each client's redirect URI origins come on top. */
  allowedOrigins: readonly string[];
  /** Addresses and CIDR ranges whose X-Forwarded-For is believed (empty: none). */
  trustedProxies: readonly string[];
  logDebug: boolean;
}

/**
 * Reads the worker's flags and `DEX_WORKER_*` variables once, at boot (the only place that
 * reads the environment). Throws INVALID_CONFIG naming the flag.
 */
export function readWorkerConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Invocation<Readonly<WorkerConfig>> {
  const invocation = readInvocation({
    program: PROGRAM,
    description: 'Serves the OpenID Connect provider: discovery, /auth, /token, /keys and the login pages.',
    envPrefix: ENV_PREFIX,
    specs: FLAGS,
    argv,
    env,
    versionText: `dex version ${DEX_VERSION}\nnode version ${process.version}\n`,
  });
  if (invocation.kind !== 'run') return invocation;
  const flags = parseConfig(ZWorkerFlags, invocation.config);
  const issuer = flags.issuer;
  if (issuer.search !== '' || issuer.hash !== '') throw usageError('--issuer: must not have a query or fragment');
  if (flags.listen.pathname !== '/') throw usageError('--listen: must not have a path (the issuer path prefixes routes)');
  const initialAccessToken = flags['registration-initial-access-token'];
  if (initialAccessToken !== undefined && !flags['enable-client-registration']) {
    throw usageError('--registration-initial-access-token: needs --enable-client-registration');
  }
  if (flags['enable-registration'] && flags['enable-automatic-registration']) {
    throw usageError('--enable-registration: cannot be used with --enable-automatic-registration (dex v0)');
  }
  const emailCfg = flags['email-cfg'];
  let emailer: TEmailerConfig | undefined;
  if (emailCfg !== undefined) {
    try {
      emailer = readEmailerConfig(emailCfg);
    } catch (error) {
      throw usageError(`--email-cfg: ${(error as Error).message}`);
    }
  }
  const metricsListen = flags['metrics-listen'];
  if (metricsListen !== undefined && (metricsListen.protocol !== 'http:' || metricsListen.pathname !== '/')) {
    throw usageError('--metrics-listen: must be http://host:port (no path)');
  }
  if (flags.listen.protocol === 'https:' && (flags['tls-cert-file'] === undefined || flags['tls-key-file'] === undefined)) {
    throw usageError('--listen: https needs --tls-cert-file and --tls-key-file');
  }
  return {
    kind: 'run',
    config: Object.freeze({
      listen: flags.listen,
      issuer: issuer.href.replace(/\/$/, ''),
      dbUrl: flags['db-url'],
      keySecrets: flags['key-secrets'],
      ...(flags['tls-cert-file'] === undefined ? {} : { tlsCertFile: flags['tls-cert-file'] }),
      ...(flags['tls-key-file'] === undefined ? {} : { tlsKeyFile: flags['tls-key-file'] }),
      ...(metricsListen === undefined ? {} : { metricsListen }),
      timeouts: serverTimeouts(flags),
      issuerName: flags['issuer-name'],
      idTokenTtlMs: flags['id-token-ttl'],
      refreshTokenTtlMs: flags['refresh-token-ttl'],
      refreshTokenIdleTtlMs: flags['refresh-token-idle-ttl'],
      refreshTokenReuseIntervalMs: flags['refresh-token-reuse-interval'],
      ssoSessionTtlMs: flags['disable-sso'] ? null : flags['sso-session-ttl'],
      enableClientRegistration: flags['enable-client-registration'],
      registration: {
        ...(initialAccessToken === undefined ? {} : { initialAccessToken }),
        perAddress: flags['registration-max-per-ip'],
        windowMs: 3_600_000,
      },
      enableAutomaticRegistration: flags['enable-automatic-registration'],
      enableRegistration: flags['enable-registration'],
      ...(emailer === undefined ? {} : { emailer }),
      ...(flags['email-templates'] === undefined ? {} : { emailTemplatesDir: flags['email-templates'] }),
      apiUseClientCredentials: flags['api-use-client-credentials'],
      loginLimits: {
        perAccount: flags['login-max-failures'],
        perAddress: flags['login-max-failures-per-ip'],
        windowMs: flags['login-lockout'],
      },
      device: { codeTtlMs: flags['device-code-ttl'], pollIntervalSeconds: flags['device-poll-interval'] / 1000 },
      allowedOrigins: flags['allowed-origins'],
      trustedProxies: flags['trusted-proxies'],
      logDebug: flags['log-debug'],
    }),
  };
}
