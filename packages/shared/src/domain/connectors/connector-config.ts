import { z } from 'zod';
import { AppError } from '#errors/index.ts';

const zId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit');
const zHttpsOrHttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
/**
 * What the login page calls the connector ("Log in with <name>"); by default "Email" for
 * `local` and the connector id for the others. Every type takes it.
 */
const zDisplayName = z.string().trim().min(1).max(64, 'must be at most 64 characters').optional();

/** dex v0 connector configs, one schema per `type` (reference §6.2). Unknown fields are kept. */
export const ZLocalConnectorConfig = z.looseObject({ type: z.literal('local'), id: zId, name: zDisplayName });
export const ZOidcConnectorConfig = z.looseObject({
  type: z.literal('oidc'),
  id: zId,
  name: zDisplayName,
  issuerURL: zHttpsOrHttpUrl,
  clientID: z.string().min(1),
  clientSecret: z.string().min(1),
  trustedEmailProvider: z.boolean().optional(),
  emailClaim: z.string().min(1).optional(),
  /** Scopes asked of the upstream provider (default `openid email profile`). */
  scopes: z
    .array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'must be scope tokens (RFC 6749 §3.3)'))
    .refine((scopes) => scopes.includes('openid'), 'must include "openid"')
    .optional(),
  /** The claim (ID token or userinfo) that lists the user's groups. */
  groupsClaim: z.string().min(1).optional(),
  /**
   * Ask the upstream for `offline_access` (with `prompt=consent`) when the client asked dex for
   * it, and redeem the upstream refresh token at each dex refresh to read the groups again.
   */
  offlineAccess: z.boolean().optional(),
  /** Non-standard claim names to read instead of the standard ones. */
  claimMapping: z
    .strictObject({
      preferred_username: z.string().min(1).optional(),
      email: z.string().min(1).optional(),
      name: z.string().min(1).optional(),
    })
    .optional(),
});
const zLdapHostPort = z
  .string()
  .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):([1-9]\d{0,4})$/, 'must be "host:port" (like "ldap.example.com:389")')
  .refine((value) => Number(value.slice(value.lastIndexOf(':') + 1)) <= 65535, 'must have a port from 1 to 65535');
const zLdapAttribute = z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/, 'must be an LDAP attribute name (like "mail")');
const zLdapFilter = z
  .string()
  .refine((value) => value.startsWith('(') && value.endsWith(')'), 'must be an LDAP filter in parentheses, like "(uid=%u)"')
  .refine((value) => value.includes('%u'), 'must contain %u (the username)');
const zFilePath = z.string().min(1);
/**
 * An LDAP timeout in milliseconds: a number of milliseconds, or a duration with a unit
 * ("500ms", "10s", "1m"). The ldap connector reads it the same way.
 */
function ldapTimeoutMs(value: number | string): number {
  if (typeof value === 'number') return value;
  const amount = Number.parseInt(value, 10);
  return value.endsWith('ms') ? amount : value.endsWith('m') ? amount * 60_000 : amount * 1_000;
}
const zLdapTimeout = z
  .union([z.number(), z.string().regex(/^\d+(ms|s|m)$/, 'must be milliseconds or a duration like "10s"')])
  .refine((value) => {
    const ms = ldapTimeoutMs(value);
    return Number.isInteger(ms) && ms >= 100 && ms <= 300_000;
  }, 'must be from 100 ms to 5 minutes (a number is milliseconds)');

/**
 * The `ldap` connector (reference §6.2) with dex v0's quirks fixed: `searchScope` defaults to
 * `one` (as v0's docs said), `bindTemplate` accepts `%d` as well as `%b` for the base DN, and
 * the combinations v0 silently misread are refused here, each naming its field.
 */
export const ZLdapConnectorConfig = z
  .looseObject({
    type: z.literal('ldap'),
    id: zId,
    name: zDisplayName,
    /** "host:port". */
    host: zLdapHostPort.optional(),
    /** Deprecated v0 spelling of `host` (with `serverPort`). */
    serverHost: z
      .string()
      .regex(/^[A-Za-z0-9.:[\]-]+$/, 'must be a host name or address')
      .optional(),
    serverPort: z.number().int().min(1).max(65535).optional(),
    /** StartTLS on the plain port. */
    useTLS: z.boolean().optional(),
    /** LDAPS (TLS from the first byte). */
    useSSL: z.boolean().optional(),
    caFile: zFilePath.optional(),
    certFile: zFilePath.optional(),
    keyFile: zFilePath.optional(),
    nameAttribute: zLdapAttribute.optional(),
    emailAttribute: zLdapAttribute.optional(),
    baseDN: z.string().optional(),
    searchBeforeAuth: z.boolean().optional(),
    searchFilter: zLdapFilter.optional(),
    searchScope: z.enum(['base', 'one', 'sub'], { error: 'must be "base", "one" or "sub"' }).optional(),
    searchBindDN: z.string().min(1).optional(),
    searchBindPw: z.string().optional(),
    searchGroupFilter: zLdapFilter.optional(),
    /** Where groups are searched (scope `sub`); default `baseDN`. */
    groupBaseDN: z.string().min(1).optional(),
    bindTemplate: z
      .string()
      .refine((value) => value.includes('%u'), 'must contain %u (the username)')
      .refine((value) => value.includes('='), 'must be a DN template, like "uid=%u,%b"')
      .optional(),
    timeout: zLdapTimeout.optional(),
  })
  .superRefine((config, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (config.host === undefined && config.serverHost === undefined) problem('host', 'is required ("host:port")');
    if (config.useTLS === true && config.useSSL === true) problem('useSSL', 'cannot be used with useTLS (choose StartTLS or LDAPS)');
    const tls = config.useTLS === true || config.useSSL === true;
    for (const field of ['caFile', 'certFile', 'keyFile'] as const) {
      if (config[field] !== undefined && !tls) problem(field, 'needs useTLS or useSSL');
    }
    if ((config.certFile === undefined) !== (config.keyFile === undefined)) {
      problem(config.certFile === undefined ? 'certFile' : 'keyFile', 'is required with certFile and keyFile (give both)');
    }
    if (config.searchBindDN !== undefined && (config.searchBindPw ?? '') === '') {
      problem('searchBindPw', 'is required with searchBindDN (an empty password is an unauthenticated bind)');
    }
    if (config.searchBindPw !== undefined && config.searchBindDN === undefined) problem('searchBindDN', 'is required with searchBindPw');
    const baseDN = config.baseDN ?? '';
    if (config.searchBeforeAuth === true) {
      if (config.bindTemplate !== undefined) problem('bindTemplate', 'cannot be used with searchBeforeAuth (the DN comes from the search)');
      if (baseDN === '') problem('baseDN', 'is required with searchBeforeAuth (where to search)');
    } else {
      if (config.searchFilter !== undefined) problem('searchFilter', 'needs searchBeforeAuth: true');
      const template = config.bindTemplate ?? 'uid=%u,%b';
      if (/%[bd]/.test(template) && baseDN === '') problem('baseDN', 'is required when bindTemplate uses %b or %d');
    }
    if (config.searchGroupFilter !== undefined && baseDN === '' && config.groupBaseDN === undefined) {
      problem('groupBaseDN', 'is required with searchGroupFilter when there is no baseDN');
    }
  });
const zOAuth2 = <T extends string>(type: T) =>
  z.looseObject({ type: z.literal(type), id: zId, name: zDisplayName, clientID: z.string().min(1), clientSecret: z.string().min(1) });
export const ZGithubConnectorConfig = zOAuth2('github');
export const ZBitbucketConnectorConfig = zOAuth2('bitbucket');
export const ZUaaConnectorConfig = zOAuth2('uaa').extend({ serverURL: zHttpsOrHttpUrl });

export const ZConnectorConfig = z.discriminatedUnion('type', [
  ZLocalConnectorConfig,
  ZOidcConnectorConfig,
  ZLdapConnectorConfig,
  ZGithubConnectorConfig,
  ZBitbucketConnectorConfig,
  ZUaaConnectorConfig,
]);
export type TConnectorConfig = z.infer<typeof ZConnectorConfig>;
export type ConnectorType = TConnectorConfig['type'];
export const CONNECTOR_TYPES: readonly ConnectorType[] = ['local', 'oidc', 'ldap', 'github', 'bitbucket', 'uaa'];

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Validates a list of connector configs in dex v0 JSON (`[{"type":"local","id":"local"}]`).
 * Every problem names the entry and the field; ids must be unique.
 * @example parseConnectorConfigs(JSON.parse('[{"type":"local","id":"local"}]'))
 */
export function parseConnectorConfigs(input: unknown): TConnectorConfig[] {
  if (!Array.isArray(input)) {
    throw new AppError('BAD_REQUEST', { message: 'connector configs must be a JSON array of objects' });
  }
  const configs: TConnectorConfig[] = [];
  const seen = new Set<string>();
  for (const [index, entry] of input.entries()) {
    const where = `connector #${index + 1}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new AppError('BAD_REQUEST', { message: `${where}: must be a JSON object` });
    }
    const type = (entry as { type?: unknown }).type;
    if (typeof type !== 'string' || !CONNECTOR_TYPES.includes(type as ConnectorType)) {
      throw new AppError('BAD_REQUEST', {
        message: `${where}: unknown connector type ${JSON.stringify(type ?? null)} (known: ${CONNECTOR_TYPES.join(', ')})`,
      });
    }
    const result = ZConnectorConfig.safeParse(entry);
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = issue?.path.join('.') ?? '';
      // zod 4 leaves `input` off issues: look the value up to tell "missing" from "wrong type".
      const missing = issue?.code === 'invalid_type' && valueAt(entry, issue.path) === undefined;
      const detail = missing ? 'is required' : (issue?.message ?? 'invalid');
      throw new AppError('BAD_REQUEST', { message: `${where} (${type}): ${field === '' ? detail : `"${field}" ${detail}`}` });
    }
    if (seen.has(result.data.id)) {
      throw new AppError('BAD_REQUEST', { message: `${where}: duplicate connector id "${result.data.id}"` });
    }
    seen.add(result.data.id);
    configs.push(result.data);
  }
  return configs;
}
