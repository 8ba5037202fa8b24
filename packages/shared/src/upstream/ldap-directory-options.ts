import { readFileSync } from 'node:fs';
import type { TConnectorConfig } from '#domain/connectors/index.ts';
import type { LdapDirectoryOptions } from './ldap-directory.ts';

export type LdapConnectorConfig = Extract<TConnectorConfig, { type: 'ldap' }>;

/** dex v0's default LDAP timeout when the config has none. */
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * An LDAP `timeout` in milliseconds: a number is milliseconds, a string a duration ("500ms",
 * "10s", "1m"); the default is 10 s.
 * @example ldapTimeoutMs('10s') // 10000
 */
export function ldapTimeoutMs(value: number | string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof value === 'number') return value;
  const amount = Number.parseInt(value, 10);
  return value.endsWith('ms') ? amount : value.endsWith('m') ? amount * 60_000 : amount * 1_000;
}

/**
 * The "host:port" an `ldap` config points at: `host`, or v0's `serverHost` and `serverPort`
 * (default 636 with `useSSL`, else 389).
 * @example ldapHostOf({ type: 'ldap', id: 'x', serverHost: 'ldap.example.com', useSSL: true }) // 'ldap.example.com:636'
 */
export function ldapHostOf(config: LdapConnectorConfig): string {
  return config.host ?? `${config.serverHost}:${config.serverPort ?? (config.useSSL === true ? 636 : 389)}`;
}

/**
 * How `LdapDirectory` reaches the server of an `ldap` config: the host, LDAPS / StartTLS /
 * plain, the CA and client certificate read from their files (throws when a file cannot be
 * read), the timeout and the service account. The worker's connector and the overlord's
 * "Test connection" build the directory the same way.
 * @example new LdapDirectory(ldapDirectoryOptions(config))
 */
export function ldapDirectoryOptions(
  config: LdapConnectorConfig,
  options: { readFile?: (path: string) => Buffer } = {},
): LdapDirectoryOptions {
  const readFile = options.readFile ?? readFileSync;
  return {
    host: ldapHostOf(config),
    security: config.useSSL === true ? 'ldaps' : config.useTLS === true ? 'starttls' : 'none',
    tls: {
      ...(config.caFile === undefined ? {} : { ca: readFile(config.caFile) }),
      ...(config.certFile === undefined ? {} : { cert: readFile(config.certFile) }),
      ...(config.keyFile === undefined ? {} : { key: readFile(config.keyFile) }),
    },
    timeoutMs: ldapTimeoutMs(config.timeout),
    service: config.searchBindDN === undefined ? null : { dn: config.searchBindDN, password: config.searchBindPw ?? '' },
  };
}
