import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { MemoryBudget } from './memory-budget.ts';

/**
 * scrypt N=2^15, r=8, p=3: one of OWASP's equivalent minimums (N·p ≥ 81,920 at r=8), 32 MiB per
 * hash. The earlier N=2^15, p=1 fell short of it; hashes made with other parameters still
 * verify and are replaced at the next successful login (`needsRehash`). A 32 MiB table is just
 * above glibc's largest mmap threshold, so it is mapped for the hash and given back to the system
 * right after; a smaller one (N=2^13, p=10: 8 MiB) stays in each pool thread's malloc arena and
 * keeps the process about 40 MiB larger for good.
 */
const PARAMS = { logN: 15, r: 8, p: 3 } as const;
const KEY_LENGTH = 32;
/**
 * One hash at a time per process: logins at the same moment wait for each other rather than
 * hold 32 MiB each (four at once was most of a worker's peak memory), and hashing never takes
 * more than one core from the requests that do not hash.
 */
const hashMemory = new MemoryBudget(32 * 2 ** 20);
const MIN_PASSWORD_LENGTH = 6;

function scrypt(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  // The table (128·r·N bytes) and the p blocks (128·r·p bytes) are what scrypt allocates.
  const bytes = 128 * r * (2 ** logN + p);
  return hashMemory.run(
    bytes,
    () =>
      new Promise((resolve, reject) => {
        scryptCallback(password, salt, KEY_LENGTH, { N: 2 ** logN, r, p, maxmem: 256 * 1024 * 1024 }, (error, key) =>
          error ? reject(error) : resolve(key),
        );
      }),
  );
}

const HASH_FORMAT = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

/**
 * Hashes a user's password with scrypt (N=2^15, r=8, p=3) and a random salt into a
 * self-describing string: `$scrypt$ln=15,r=8,p=3$<salt>$<hash>`.
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
  const match = HASH_FORMAT.exec(stored);
  if (match === null) return false;
  const [, logN, r, p, salt, hash] = match;
  const expected = Buffer.from(hash ?? '', 'base64url');
  const actual = await scrypt(password, Buffer.from(salt ?? '', 'base64url'), Number(logN), Number(r), Number(p));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * Whether a stored hash was made with other parameters than today's, so that it should be
 * replaced by a fresh `hashPassword` of the password that just verified.
 * @example needsRehash('$scrypt$ln=15,r=8,p=1$...') // true
 */
export function needsRehash(stored: string): boolean {
  const match = HASH_FORMAT.exec(stored);
  return match === null || Number(match[1]) !== PARAMS.logN || Number(match[2]) !== PARAMS.r || Number(match[3]) !== PARAMS.p;
}

/** A hash that never verifies, used to spend the same time when a user does not exist. */
export const UNUSABLE_PASSWORD_HASH = `$scrypt$ln=${PARAMS.logN},r=${PARAMS.r},p=${PARAMS.p}$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(KEY_LENGTH, 1).toString('base64url')}`;

/** dex v0's rule (`ValidPassword`): at least six characters. */
export function isAcceptablePassword(password: string): boolean {
  return password.length >= MIN_PASSWORD_LENGTH;
}
