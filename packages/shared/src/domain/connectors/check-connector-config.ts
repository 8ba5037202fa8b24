import type { z } from 'zod';
import { CONNECTOR_TYPES, type ConnectorType, type TConnectorConfig, ZConnectorConfig } from './connector-config.ts';
import { keepStoredSecrets, MASKED_SECRET } from './connector-secrets.ts';

/** One problem of a connector config: the dotted path of the field (`clientSecret`, `1.id`) and what is wrong. */
export interface ConnectorConfigProblem {
  path: string;
  message: string;
}

export interface CheckedConnectorConfig {
  /** The valid config with stored secrets kept, or null when there are problems. */
  config: TConnectorConfig | null;
  problems: ConnectorConfigProblem[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Says what is wrong in words that read after the field name ("clientID must not be empty"). */
function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === 'invalid_type') {
    return valueAt(input, issue.path) === undefined
      ? 'is required'
      : `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
  }
  if (issue.code === 'too_small' && issue.origin === 'string' && issue.minimum === 1) return 'must not be empty';
  return issue.message;
}

/**
 * Checks one connector config in dex v0 JSON against the schema of its `type`, reporting
 * every problem rather than the first. A secret field sent as `MASKED_SECRET` takes the value
 * of `stored` (the config saved under the same id) when that has the same type; otherwise it
 * is a problem, so a mask is never saved.
 * @example checkConnectorConfig({ input: { type: 'github', id: 'gh', clientID: 'x' } }).problems // [{ path: 'clientSecret', message: 'is required' }]
 */
export function checkConnectorConfig(options: { input: unknown; stored?: TConnectorConfig | undefined }): CheckedConnectorConfig {
  const { input, stored } = options;
  if (!isPlainObject(input)) return { config: null, problems: [{ path: '', message: 'must be a JSON object' }] };
  const { type, id } = input;
  if (type === undefined) return { config: null, problems: [{ path: 'type', message: 'is required' }] };
  if (typeof type !== 'string' || !CONNECTOR_TYPES.includes(type as ConnectorType)) {
    return { config: null, problems: [{ path: 'type', message: `must be one of ${CONNECTOR_TYPES.join(', ')}` }] };
  }
  const sameConnector = stored !== undefined && stored.id === id && stored.type === type ? stored : undefined;
  const kept = keepStoredSecrets({ config: input, stored: sameConnector });
  const problems: ConnectorConfigProblem[] = kept.unresolved.map((path) => ({
    path,
    message: `is "${MASKED_SECRET}" (keep the stored secret) but connector ${JSON.stringify(id ?? null)} has no stored value for it`,
  }));
  const result = ZConnectorConfig.safeParse(kept.config);
  if (!result.success) {
    problems.push(...result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: describeIssue(issue, kept.config) })));
  }
  return problems.length > 0 || !result.success ? { config: null, problems } : { config: result.data, problems };
}

/**
 * Checks a list of connector configs (a `PUT /api/v1/connectors` body): each entry as
 * `checkConnectorConfig` does, against the stored config of the same id, and ids unique.
 * Paths start with the entry's index (`1.clientSecret`).
 * @example checkConnectorConfigs({ input: [{ type: 'local', id: 'local' }], stored: [] }).configs // [{ type: 'local', id: 'local' }]
 */
export function checkConnectorConfigs(options: { input: unknown; stored: readonly TConnectorConfig[] }): {
  configs: TConnectorConfig[] | null;
  problems: ConnectorConfigProblem[];
} {
  if (!Array.isArray(options.input)) return { configs: null, problems: [{ path: '', message: 'must be an array of connector configs' }] };
  const storedById = new Map(options.stored.map((config) => [config.id, config]));
  const configs: TConnectorConfig[] = [];
  const problems: ConnectorConfigProblem[] = [];
  const seen = new Map<string, number>();
  let local: { id: string } | null = null;
  for (const [index, input] of options.input.entries()) {
    const id = isPlainObject(input) && typeof input.id === 'string' ? input.id : undefined;
    const checked = checkConnectorConfig({ input, stored: id === undefined ? undefined : storedById.get(id) });
    for (const problem of checked.problems) {
      problems.push({ path: problem.path === '' ? String(index) : `${index}.${problem.path}`, message: problem.message });
    }
    if (id !== undefined) {
      const first = seen.get(id);
      if (first === undefined) seen.set(id, index);
      else problems.push({ path: `${index}.id`, message: `must be unique ("${id}" is also the id of entry ${first})` });
    }
    if (checked.config?.type === 'local') {
      if (local === null) local = checked.config;
      else
        problems.push({
          path: `${index}.type`,
          message: `must not be local: "${local.id}" is already the local connector (there can be one)`,
        });
    }
    if (checked.config !== null) configs.push(checked.config);
  }
  return problems.length > 0 ? { configs: null, problems } : { configs, problems };
}

/**
 * One problem as an error message: the path, then what is wrong.
 * @example formatConnectorProblem({ path: 'clientSecret', message: 'is required' }, { prefix: 'connectors' }) // 'connectors.clientSecret is required'
 */
export function formatConnectorProblem(problem: ConnectorConfigProblem, options: { prefix?: string } = {}): string {
  const path = [options.prefix, problem.path].filter((part) => part !== undefined && part !== '').join('.');
  return `${path === '' ? 'the connector config' : path} ${problem.message}`;
}
