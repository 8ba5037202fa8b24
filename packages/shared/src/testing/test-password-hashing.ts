import { INSECURE_TEST_HASHING } from '#crypto/index.ts';

/** The variable the launcher (packages/shared/launch.mjs) reads to switch a program to test hashing. */
export const TEST_PASSWORD_HASHING_VARIABLE = 'DEX_INSECURE_TEST_PASSWORD_HASHING';

/**
 * Switches this test process, and every dex program it starts through `startService` or
 * `runBin`, to scrypt at N=2^10 (about 1 ms a hash instead of about 450 ms): test suites create
 * and log in thousands of users, and what they test is what happens around the hash. Called
 * from a test runner's setup file, never by a program.
 * @example useInsecureTestPasswordHashing(); // vitest setupFiles
 */
export function useInsecureTestPasswordHashing(): void {
  (globalThis as Record<symbol, unknown>)[INSECURE_TEST_HASHING] = true;
}

/** The variables that carry this process's hashing choice to a child program. */
export function passwordHashingEnv(): Record<string, string> {
  return (globalThis as Record<symbol, unknown>)[INSECURE_TEST_HASHING] === true ? { [TEST_PASSWORD_HASHING_VARIABLE]: '1' } : {};
}
