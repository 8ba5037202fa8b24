import { MASKED_SECRET } from '@dex/shared/admin-api';

/** How one config field is edited in the form. */
export interface FieldSpec {
  name: string;
  label: string;
  kind: 'text' | 'url' | 'secret' | 'boolean' | 'list' | 'select' | 'duration';
  isRequired?: boolean;
  hint?: string;
  placeholder?: string;
  /** For `select`: the allowed values (an empty choice means "default"). */
  options?: readonly string[];
  /** The fieldset the field is shown in (its legend); fields without one come first, ungrouped. */
  section?: string;
}

const oauth2: readonly FieldSpec[] = [
  { name: 'clientID', label: 'Client ID', kind: 'text', isRequired: true, hint: "dex's client ID at the provider." },
  { name: 'clientSecret', label: 'Client secret', kind: 'secret', isRequired: true },
];

/** The login page's name for the connector; every type has it. */
const displayName = (fallback: string): FieldSpec => ({
  name: 'name',
  label: 'Display name',
  kind: 'text',
  hint: `Shown on the login page as “Log in with …”. Default: ${fallback}.`,
});

/** The form of each connector type (docs/connectors.md). Types not listed here are edited as JSON. */
export const CONNECTOR_FORMS: Readonly<Record<string, readonly FieldSpec[]>> = {
  local: [displayName('Email')],
  oidc: [
    displayName('the connector ID'),
    {
      name: 'issuerURL',
      label: 'Issuer URL',
      kind: 'url',
      isRequired: true,
      placeholder: 'https://login.example.com',
      hint: 'The upstream issuer; its discovery document must name exactly this URL.',
    },
    ...oauth2,
    {
      name: 'scopes',
      label: 'Scopes',
      kind: 'list',
      placeholder: 'openid email profile',
      hint: 'Separated by spaces; must include openid. Default: openid email profile.',
    },
    {
      name: 'trustedEmailProvider',
      label: 'Trust the provider’s email addresses',
      kind: 'boolean',
      hint: 'New users’ emails count as verified.',
    },
    {
      name: 'emailClaim',
      label: 'Email claim',
      kind: 'text',
      hint: 'Copy this claim into the email (the login fails when it is missing).',
    },
    { name: 'groupsClaim', label: 'Groups claim', kind: 'text', hint: 'The claim that lists the user’s groups.' },
  ],
  ldap: [
    displayName('the connector ID'),
    {
      section: 'Connection',
      name: 'host',
      label: 'Host',
      kind: 'text',
      isRequired: true,
      placeholder: 'ldap.example.com:389',
      hint: '"host:port".',
    },
    { section: 'TLS', name: 'useTLS', label: 'StartTLS', kind: 'boolean', hint: 'Upgrade the plain connection with StartTLS.' },
    { section: 'TLS', name: 'useSSL', label: 'LDAPS', kind: 'boolean', hint: 'TLS from the first byte; not with StartTLS.' },
    {
      section: 'TLS',
      name: 'caFile',
      label: 'CA file',
      kind: 'text',
      hint: 'PEM bundle on the worker to verify the server (needs StartTLS or LDAPS).',
    },
    {
      section: 'TLS',
      name: 'certFile',
      label: 'Client certificate file',
      kind: 'text',
      hint: 'PEM, with its key file (needs StartTLS or LDAPS).',
    },
    { section: 'TLS', name: 'keyFile', label: 'Client key file', kind: 'text' },
    { section: 'Search', name: 'baseDN', label: 'Base DN', kind: 'text', placeholder: 'ou=people,dc=example,dc=com' },
    {
      section: 'Connection',
      name: 'bindTemplate',
      label: 'Bind template',
      kind: 'text',
      placeholder: 'uid=%u,%b',
      hint: 'Bind straight as the user; %u is the username, %b the base DN.',
    },
    {
      section: 'Search',
      name: 'searchBeforeAuth',
      label: 'Search before binding',
      kind: 'boolean',
      hint: 'Find the user’s entry first, then bind as it.',
    },
    {
      section: 'Search',
      name: 'searchFilter',
      label: 'Search filter',
      kind: 'text',
      placeholder: '(uid=%u)',
      hint: 'Only with “Search before binding”.',
    },
    {
      section: 'Search',
      name: 'searchScope',
      label: 'Search scope',
      kind: 'select',
      options: ['', 'base', 'one', 'sub'],
      hint: 'Default: one.',
    },
    { section: 'Search', name: 'searchBindDN', label: 'Service account DN', kind: 'text', hint: 'For searches; anonymous when empty.' },
    { section: 'Search', name: 'searchBindPw', label: 'Service account password', kind: 'secret' },
    {
      section: 'Groups',
      name: 'searchGroupFilter',
      label: 'Group filter',
      kind: 'text',
      placeholder: '(member=%u)',
      hint: 'When set, users get their groups.',
    },
    { section: 'Groups', name: 'groupBaseDN', label: 'Group base DN', kind: 'text', hint: 'Default: the base DN.' },
    { section: 'Attributes', name: 'nameAttribute', label: 'Name attribute', kind: 'text', placeholder: 'cn' },
    { section: 'Attributes', name: 'emailAttribute', label: 'Email attribute', kind: 'text', placeholder: 'mail' },
    {
      section: 'Connection',
      name: 'timeout',
      label: 'Timeout',
      kind: 'duration',
      placeholder: '10s',
      hint: 'Milliseconds or a duration like 500ms, 10s, 1m.',
    },
  ],
  github: [displayName('the connector ID'), ...oauth2],
  bitbucket: [displayName('the connector ID'), ...oauth2],
  uaa: [displayName('the connector ID'), { name: 'serverURL', label: 'Server URL', kind: 'url', isRequired: true }, ...oauth2],
};

/**
 * The types a new connector can have, in the order the type picker lists them: only those the
 * worker serves (a saved connector of another type is still shown and edited as it is).
 */
export const CONNECTOR_TYPES = ['local', 'oidc', 'ldap'] as const;

/**
 * The types a new connector can have next to the existing ones: no second `local` (the server
 * refuses one).
 * @example offeredConnectorTypes([{ type: 'local' }]) // ['oidc', 'ldap']
 */
export function offeredConnectorTypes(existing: readonly { type: string }[]): readonly string[] {
  const hasLocal = existing.some((connector) => connector.type === 'local');
  return CONNECTOR_TYPES.filter((type) => !(hasLocal && type === 'local'));
}

/**
 * What the list calls a connector: its display name when the config has one, else its ID.
 * @example connectorDisplayName({ type: 'oidc', id: 'corp', name: 'Corp SSO' }) // 'Corp SSO'
 */
export function connectorDisplayName(config: { id: string } & Record<string, unknown>): string {
  return typeof config.name === 'string' && config.name.trim() !== '' ? config.name : config.id;
}

export const CONNECTOR_TYPE_LABELS: Readonly<Record<string, string>> = {
  local: 'Local (email and password)',
  oidc: 'OpenID Connect provider',
  ldap: 'LDAP directory',
  github: 'GitHub (not served yet)',
  bitbucket: 'Bitbucket (not served yet)',
  uaa: 'Cloud Foundry UAA (not served yet)',
};

export type ConnectorConfig = Record<string, unknown> & { type: string; id: string };

/** The text a field shows for a config value. A masked secret shows as empty (it is write-only). */
export function fieldText(spec: FieldSpec, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (spec.kind === 'secret' && value === MASKED_SECRET) return '';
  if (spec.kind === 'list' && Array.isArray(value)) return value.join(' ');
  return String(value);
}

/**
 * The config after a field was edited: empty text removes an optional field; an emptied
 * secret that was stored goes back to the mask (which keeps the stored secret).
 * @example withField(config, { name: 'scopes', kind: 'list', label: '' }, 'openid email', original)
 */
export function withField(
  config: ConnectorConfig,
  spec: FieldSpec,
  input: string | boolean,
  original: ConnectorConfig | undefined,
): ConnectorConfig {
  const next: ConnectorConfig = { ...config };
  const set = (value: unknown) => {
    if (value === undefined) delete next[spec.name];
    else next[spec.name] = value;
  };
  if (typeof input === 'boolean') {
    set(input ? true : original?.[spec.name] === false ? false : undefined);
    return next;
  }
  switch (spec.kind) {
    case 'secret':
      set(input === '' ? (original?.[spec.name] === MASKED_SECRET ? MASKED_SECRET : undefined) : input);
      break;
    case 'list': {
      const items = input.split(/[\s,]+/).filter((item) => item !== '');
      set(items.length === 0 ? undefined : items);
      break;
    }
    case 'duration':
      set(input === '' ? undefined : /^\d+$/.test(input) ? Number(input) : input);
      break;
    default:
      set(input === '' ? undefined : input);
  }
  return next;
}

/**
 * A PATCH for an edited config: changed fields, `null` for removed ones; `id` and `type` never change.
 * @example patchOf({ type: 'local', id: 'a', x: 1 }, { type: 'local', id: 'a' }) // { x: null }
 */
export function patchOf(original: ConnectorConfig, edited: ConnectorConfig): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(edited)) {
    if (name === 'id' || name === 'type') continue;
    if (JSON.stringify(value) !== JSON.stringify(original[name])) patch[name] = value;
  }
  for (const name of Object.keys(original)) {
    if (name !== 'id' && name !== 'type' && !(name in edited)) patch[name] = null;
  }
  return patch;
}

/** One line about where a connector points (issuer, host), for the list. */
export function connectorSummary(config: Record<string, unknown>): string {
  const pick = (name: string) => (typeof config[name] === 'string' ? (config[name] as string) : undefined);
  return pick('issuerURL') ?? pick('host') ?? pick('serverHost') ?? pick('serverURL') ?? (config.type === 'local' ? 'dex’s own users' : '');
}
