import { randomInt } from 'node:crypto';

/**
 * The letters of user codes (RFC 8628 §6.1): consonants only, so no word can be spelled and
 * nothing looks alike (no vowels, so no 0/O or 1/I); case does not matter to the user.
 */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
const USER_CODE_LENGTH = 8;

/**
 * A fresh user code, `BCDF-GHJK`: 8 letters from a CSPRNG, 20^8 ≈ 2^34.6 possibilities, which
 * with a short lifetime and the failure limit of the entry page resists guessing (§5.1).
 * @example const userCode = generateUserCode(); // 'WDJB-MJHT'
 */
export function generateUserCode(): string {
  let code = '';
  for (let i = 0; i < USER_CODE_LENGTH; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * A user code as typed, reduced to its letters: upper-cased, dashes and spaces dropped (§6.1).
 * Null when what is left cannot be a user code.
 * @example normalizeUserCode(' wdjb mjht ') // 'WDJBMJHT'
 */
export function normalizeUserCode(typed: string): string | null {
  const letters = typed.toUpperCase().replace(/[\s-]/g, '');
  if (letters.length !== USER_CODE_LENGTH) return null;
  for (const letter of letters) if (!USER_CODE_ALPHABET.includes(letter)) return null;
  return letters;
}
