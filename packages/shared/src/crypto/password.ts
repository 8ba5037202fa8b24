import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';

const PARAMS = { logN: 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const MIN_PASSWORD_LENGTH = 6;

function scrypt(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password, salt, KEY_LENGTH, { N: 2 ** logN, r, p, maxmem: 256 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/**
 * Hashes a user's password with scrypt (N=2^15, r=8, p=1) and a random salt into a
 * self-describing string: `$scrypt$ln=15,r=8,p=1$<salt>$<hash>`.
 * @example const stored = await hashPassword('correct horse');
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, PARAMS.logN, PARAMS.r, PARAMS.p);
  return `$scrypt$ln=${PARAMS.logN},r=${PARAMS.r},p=${PARAMS.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/**
 * Checks a password against a stored hash in constant time. A malformed hash never matches.
 * @example await verifyPassword('correct horse', stored) // true
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(stored);
  if (match === null) return false;
  const [, logN, r, p, salt, hash] = match;
  const expected = Buffer.from(hash ?? '', 'base64url');
  const actual = await scrypt(password, Buffer.from(salt ?? '', 'base64url'), Number(logN), Number(r), Number(p));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A hash that never verifies, used to spend the same time when a user does not exist. */
export const UNUSABLE_PASSWORD_HASH = `$scrypt$ln=${PARAMS.logN},r=${PARAMS.r},p=${PARAMS.p}$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(KEY_LENGTH, 1).toString('base64url')}`;

/** dex v0's rule (`ValidPassword`): at least six characters. */
export function isAcceptablePassword(password: string): boolean {
  return password.length >= MIN_PASSWORD_LENGTH;
}
