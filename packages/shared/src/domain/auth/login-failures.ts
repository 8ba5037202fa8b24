import type { PrismaDb } from '#db/create-database.ts';
import { sha256Hex } from '#crypto/index.ts';

export interface LoginFailureWindow {
  /** How long a window lasts, and so a lockout (the worker's `--login-lockout`). */
  windowMs: number;
  now?: number;
}

/**
 * Counts one failed login against `key` in its fixed window and returns the count so far.
 * One statement, so concurrent failures on any number of workers are all counted: the
 * window's first failure inserts the row, later ones add to it, and the first failure after
 * the window ended starts a new window at 1.
 * @example const failures = await recordLoginFailure(prisma, `account:${email}@${address}`, { windowMs: 900_000 });
 */
export async function recordLoginFailure(prisma: PrismaDb, key: string, window: LoginFailureWindow): Promise<number> {
  return (await recordInWindow(prisma, key, window)).count;
}

/**
 * {@link recordLoginFailure} for any attempt that is limited per window (client registrations
 * per address, say), with when the key's window ends, for a `Retry-After`.
 * @example const { count, windowEndsAtMs } = await recordInWindow(prisma, `registration:${address}`, { windowMs: 3_600_000 });
 */
export async function recordInWindow(
  prisma: PrismaDb,
  key: string,
  window: LoginFailureWindow,
): Promise<{ count: number; windowEndsAtMs: number }> {
  const now = BigInt(window.now ?? Date.now());
  const endsAt = now + BigInt(window.windowMs);
  const keyHash = sha256Hex(key);
  const rows = await prisma.$queryRaw<{ failures: number | bigint; window_ends_at: number | bigint }[]>`
    INSERT INTO login_failures (key_hash, failures, window_ends_at) VALUES (${keyHash}, 1, ${endsAt})
    ON CONFLICT (key_hash) DO UPDATE SET
      failures = CASE WHEN login_failures.window_ends_at <= ${now} THEN 1 ELSE login_failures.failures + 1 END,
      window_ends_at = CASE WHEN login_failures.window_ends_at <= ${now} THEN ${endsAt} ELSE login_failures.window_ends_at END
    RETURNING failures, window_ends_at`;
  const row = rows[0];
  return { count: Number(row?.failures ?? 1), windowEndsAtMs: Number(row?.window_ends_at ?? endsAt) };
}

/**
 * The failures counted against each key in its current window (0 for a key without one),
 * in the order of `keys`.
 */
export async function countLoginFailures(prisma: PrismaDb, keys: readonly string[], now = Date.now()): Promise<number[]> {
  const hashes = keys.map((key) => sha256Hex(key));
  const rows = await prisma.loginFailure.findMany({
    where: { keyHash: { in: hashes }, windowEndsAt: { gt: BigInt(now) } },
    select: { keyHash: true, failures: true },
  });
  const byHash = new Map(rows.map((row) => [row.keyHash, row.failures]));
  return hashes.map((hash) => byHash.get(hash) ?? 0);
}

/** Forgets the failures counted against `key` (after a successful login). */
export async function clearLoginFailures(prisma: PrismaDb, key: string): Promise<void> {
  await prisma.loginFailure.deleteMany({ where: { keyHash: sha256Hex(key) } });
}
