/**
 * Escapes a value for an LDAP search filter (RFC 4515 §3): `\`, `*`, `(`, `)` and NUL become
 * `\5c`, `\2a`, `\28`, `\29`, `\00`, so a username can only ever be an exact value.
 * @example escapeFilterValue('admin)(|(uid=*') // 'admin\\29\\28|\\28uid=\\2a'
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (char) => `\\${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * Escapes a value for one attribute value of a DN (RFC 4514 §2.4): `"`, `+`, `,`, `;`, `<`,
 * `>`, `\`, `=`, a leading `#` or space, a trailing space, and NUL (as `\00`).
 * @example escapeDnValue('doe, john') // 'doe\\, john'
 */
export function escapeDnValue(value: string): string {
  let escaped = value.replace(/[\\"+,;<>=]/g, (char) => `\\${char}`).replace(/\0/g, '\\00');
  if (escaped.startsWith('#') || escaped.startsWith(' ')) escaped = `\\${escaped}`;
  if (escaped.endsWith(' ') && !escaped.endsWith('\\ ')) escaped = `${escaped.slice(0, -1)}\\ `;
  return escaped;
}

/**
 * Fills a v0 template in one pass: `%u` is the (already escaped) username, `%b` and `%d` the
 * base DN. One pass, so a `%b` inside the username is never substituted again.
 * @example fillTemplate('uid=%u,%b', { username: 'jane', baseDN: 'ou=people,dc=example,dc=com' }) // 'uid=jane,ou=people,dc=example,dc=com'
 */
export function fillTemplate(template: string, values: { username: string; baseDN: string }): string {
  return template.replace(/%[ubd]/g, (token) => (token === '%u' ? values.username : values.baseDN));
}
