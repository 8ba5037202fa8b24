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
const STANDARD_PARAMS = { logN: 15, r: 8, p: 3 } as const;
/**
 * N=2^10, p=1 (1 MiB, about 1 ms against about 450 ms): for test suites only, which create and
 * log in thousands of users. A process uses it only when the launcher was started with
 * `DEX_INSECURE_TEST_PASSWORD_HASHING=1` or a test called `useInsecureTestPasswordHashing`
 * (@dex/shared/testing). Hashes it made are replaced at the next login of a normal process.
 */
const TEST_PARAMS = { logN: 10, r: 8, p: 1 } as const;
/** The process-wide switch, a global so that the launcher can set it before the bundle loads. */
export const INSECURE_TEST_HASHING = Symbol.for('dex.insecureTestPasswordHashing');
const KEY_LENGTH = 32;

/**
 * Whether this process hashes at test strength; the servers log a warning at start when it does.
 * @example if (usesInsecureTestPasswordHashing()) logger.warn('...');
 */
export function usesInsecureTestPasswordHashing(): boolean {
  return (globalThis as Record<symbol, unknown>)[INSECURE_TEST_HASHING] === true;
}

function currentParams(): { readonly logN: number; readonly r: number; readonly p: number } {
  return usesInsecureTestPasswordHashing() ? TEST_PARAMS : STANDARD_PARAMS;
}

function formatHash(params: { logN: number; r: number; p: number }, salt: Buffer, key: Buffer): string {
  return `$scrypt$ln=${params.logN},r=${params.r},p=${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}
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
  const params = currentParams();
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, params.logN, params.r, params.p);
  return formatHash(params, salt, key);
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
  const params = currentParams();
  return match === null || Number(match[1]) !== params.logN || Number(match[2]) !== params.r || Number(match[3]) !== params.p;
}

/**
 * A hash that never verifies, with today's parameters: verifying it spends the same time as a
 * real user's when the email does not exist.
 * @example await verifyPassword(password, row?.passwordHash ?? unusablePasswordHash())
 */
export function unusablePasswordHash(): string {
  return formatHash(currentParams(), Buffer.alloc(16), Buffer.alloc(KEY_LENGTH, 1));
}

/** dex v0's rule (`ValidPassword`): at least six characters. */
export function isAcceptablePassword(password: string): boolean {
  return password.length >= MIN_PASSWORD_LENGTH;
}
