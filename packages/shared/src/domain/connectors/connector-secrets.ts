/**
 * Connector secrets are write-only. Responses replace every secret value with
 * `MASKED_SECRET`, and a write that sends `MASKED_SECRET` back for a secret field keeps the
 * stored value, so a config read from the API can be written back unchanged.
 */
export const MASKED_SECRET = '********';

/** Field names that hold secrets (`clientSecret`, `searchBindPw`, `bindPW`, `password`, ...). */
const SECRET_FIELD = /secret|password|passwd|pw$/i;

type Json = unknown;

function isPlainObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether a config field holds a secret: its name contains `secret`, `password` or `passwd`,
 * or ends in `pw` (any case).
 * @example isSecretField('searchBindPw') // true
 */
export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name);
}

/**
 * A copy of a connector config with every secret value (at any depth) replaced by
 * `MASKED_SECRET`. Empty values stay as they are, so an unset secret reads as unset.
 * @example maskConnectorSecrets({ type: 'github', id: 'gh', clientID: 'x', clientSecret: 's' }).clientSecret // '********'
 */
export function maskConnectorSecrets<T extends Record<string, Json>>(config: T): T {
  return maskValue(config) as T;
}

function maskValue(value: Json): Json {
  if (Array.isArray(value)) return value.map(maskValue);
  if (!isPlainObject(value)) return value;
  const masked: Record<string, Json> = {};
  for (const [key, field] of Object.entries(value)) {
    const isEmpty = field === null || field === undefined || field === '';
    masked[key] = isSecretField(key) && !isEmpty ? MASKED_SECRET : maskValue(field);
  }
  return masked;
}

export interface KeptSecrets {
  /** The config with every `MASKED_SECRET` under a secret field replaced by the stored value. */
  config: Record<string, Json>;
  /** Paths (`clientSecret`, `tls.keyPassword`) that were masked but have no stored value. */
  unresolved: string[];
}

/**
 * Puts the stored secrets back where a write sends `MASKED_SECRET` for a secret field: the
 * value at the same path of `stored` (the config saved under the same id and type), matched
 * by key in objects and by index in arrays. Paths without a stored value are reported (and
 * left masked), so the caller can refuse the write instead of saving the mask.
 * @example keepStoredSecrets({ config: { clientSecret: '********' }, stored: { clientSecret: 's' } }).config // { clientSecret: 's' }
 */
export function keepStoredSecrets(options: { config: Record<string, Json>; stored: Record<string, Json> | undefined }): KeptSecrets {
  const unresolved: string[] = [];
  const config = keepValue(options.config, options.stored, [], unresolved) as Record<string, Json>;
  return { config, unresolved };
}

function keepValue(value: Json, stored: Json, path: string[], unresolved: string[]): Json {
  if (Array.isArray(value)) {
    return value.map((item, index) =>
      keepValue(item, Array.isArray(stored) ? stored[index] : undefined, [...path, String(index)], unresolved),
    );
  }
  if (!isPlainObject(value)) return value;
  const storedObject = isPlainObject(stored) ? stored : {};
  const kept: Record<string, Json> = {};
  for (const [key, field] of Object.entries(value)) {
    const fieldPath = [...path, key];
    if (isSecretField(key) && field === MASKED_SECRET) {
      const previous = storedObject[key];
      const isKept = previous !== undefined && previous !== null && previous !== '' && previous !== MASKED_SECRET;
      // An unresolved mask stays as it is: the caller refuses the write because of `unresolved`.
      if (!isKept) unresolved.push(fieldPath.join('.'));
      kept[key] = isKept ? previous : field;
    } else {
      kept[key] = keepValue(field, storedObject[key], fieldPath, unresolved);
    }
  }
  return kept;
}
