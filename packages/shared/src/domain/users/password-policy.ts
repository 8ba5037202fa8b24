/** The shortest password self-service flows accept (registration, reset, invitation). */
export const MIN_NEW_PASSWORD_LENGTH = 8;

/** A few of the most common passwords (lowercased), refused whatever their length. */
const COMMON_PASSWORDS = new Set([
  'password',
  'password1',
  'password123',
  '12345678',
  '123456789',
  '1234567890',
  'qwertyuiop',
  'qwerty123',
  'iloveyou',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'welcome1',
  'letmein1',
  'trustno1',
  'superman',
  'abc12345',
  '11111111',
  '00000000',
  'passw0rd',
  'changeme',
]);

/**
 * Checks a password a user chooses: at least 8 characters, at most 1024 (hashing cost), not
 * one of the best-known passwords, not the email address. Returns the message to show, or null.
 * @example newPasswordProblem('hunter2') // 'Choose a password of at least 8 characters.'
 */
export function newPasswordProblem(password: string, options: { email?: string } = {}): string | null {
  if ([...password].length < MIN_NEW_PASSWORD_LENGTH) return `Choose a password of at least ${MIN_NEW_PASSWORD_LENGTH} characters.`;
  if (password.length > 1024) return 'Choose a password of at most 1024 characters.';
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return 'This password is too common. Choose another one.';
  if (options.email !== undefined && lower === options.email.toLowerCase()) return 'Your password must not be your email address.';
  return null;
}
