import { z } from 'zod';
import { AppError } from '#errors/index.ts';

const zId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit');
const zHttpsOrHttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** dex v0 connector configs, one schema per `type` (reference §6.2). Unknown fields are kept. */
export const ZLocalConnectorConfig = z.looseObject({ type: z.literal('local'), id: zId });
export const ZOidcConnectorConfig = z.looseObject({
  type: z.literal('oidc'),
  id: zId,
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
  /** Non-standard claim names to read instead of the standard ones. */
  claimMapping: z
    .strictObject({
      preferred_username: z.string().min(1).optional(),
      email: z.string().min(1).optional(),
      name: z.string().min(1).optional(),
    })
    .optional(),
});
export const ZLdapConnectorConfig = z.looseObject({
  type: z.literal('ldap'),
  id: zId,
  host: z.string().min(1).optional(),
  baseDN: z.string().optional(),
  bindTemplate: z.string().optional(),
  searchBeforeAuth: z.boolean().optional(),
  searchFilter: z.string().optional(),
  useTLS: z.boolean().optional(),
  useSSL: z.boolean().optional(),
});
const zOAuth2 = <T extends string>(type: T) =>
  z.looseObject({ type: z.literal(type), id: zId, clientID: z.string().min(1), clientSecret: z.string().min(1) });
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
