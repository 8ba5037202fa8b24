/** Characters that a POSIX shell reads literally in a word (and in an assignment value). */
const SHELL_SAFE = /^[A-Za-z0-9@%+=:,./_-]+$/;

/**
 * Makes a value safe for `eval` in a POSIX shell: returned as is when every character is
 * literal, otherwise single-quoted with each `'` written as `'\''`.
 * @example shellQuote('https://app.example/cb?a=1&b=2') // "'https://app.example/cb?a=1&b=2'"
 */
export function shellQuote(value: string): string {
  if (SHELL_SAFE.test(value)) return value;
  return `'${value.replaceAll("'", "'\\''")}'`;
}
