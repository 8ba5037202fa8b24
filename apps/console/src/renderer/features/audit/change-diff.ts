/** One field of an audited object before and after a change. */
export interface FieldChange {
  /** Dotted path of the field (`config.host`). */
  field: string;
  before: string | undefined;
  after: string | undefined;
  isChanged: boolean;
}

/** Fields whose values are never shown, even masked ones (the audit log should hold none). */
const SECRET_FIELD = /(secret|password|passwd|pw|hash|token|privatekey)$/i;
export const HIDDEN_VALUE = '(hidden)';

function flatten(value: unknown, prefix: string, into: Map<string, string>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix === '' ? key : `${prefix}.${key}`, into);
    return;
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  into.set(prefix === '' ? 'value' : prefix, text);
}

/**
 * An audit entry's change as a field-by-field diff: every field of the object before and
 * after (nested objects as dotted paths, lists as JSON), which changed, and secrets hidden
 * whatever their value.
 * @example diffChange({ name: 'a', secret: 'x' }, { name: 'b' }) // [{ field: 'name', before: 'a', after: 'b', isChanged: true }, { field: 'secret', before: '(hidden)', after: undefined, isChanged: true }]
 */
export function diffChange(before: unknown, after: unknown): FieldChange[] {
  const was = new Map<string, string>();
  const now = new Map<string, string>();
  if (before !== null && before !== undefined) flatten(before, '', was);
  if (after !== null && after !== undefined) flatten(after, '', now);
  const fields = [...new Set([...was.keys(), ...now.keys()])];
  return fields.map((field) => {
    const old = was.get(field);
    const next = now.get(field);
    const name = field.split('.').at(-1) ?? field;
    const shown = (text: string | undefined) => (text !== undefined && SECRET_FIELD.test(name) ? HIDDEN_VALUE : text);
    return { field, before: shown(old), after: shown(next), isChanged: old !== next };
  });
}
