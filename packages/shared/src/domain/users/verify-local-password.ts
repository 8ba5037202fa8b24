import { hashPassword, needsRehash, unusablePasswordHash, verifyPassword } from '#crypto/index.ts';
import type { PrismaDb } from '#db/create-database.ts';
import { normalizeEmail, toUserRecord, type UserRecord } from './types.ts';

export type LocalLoginResult =
  | { ok: true; user: UserRecord }
  | { ok: false; reason: 'invalid_credentials' | 'password_expired' | 'disabled' };

export interface VerifyLocalPasswordOptions {
  email: string;
  password: string;
  now?: Date;
}

/**
 * Checks an email and password for the local connector. An unknown email costs the same
 * hash computation as a known one, so response times do not tell which emails exist.
 * `disabled` and `password_expired` are only reported after the password matched. A hash made
 * with earlier parameters is replaced by one with today's once the password matched.
 * @example const result = await verifyLocalPassword(db.prisma, { email, password });
 */
export async function verifyLocalPassword(prisma: PrismaDb, options: VerifyLocalPasswordOptions): Promise<LocalLoginResult> {
  const row = await prisma.user.findUnique({
    where: { email: normalizeEmail(options.email) },
    include: { password: true },
  });
  const matches = await verifyPassword(options.password, row?.password?.passwordHash ?? unusablePasswordHash());
  if (row === null || row.password === null || !matches) return { ok: false, reason: 'invalid_credentials' };
  if (row.disabled) return { ok: false, reason: 'disabled' };
  const expires = row.password.passwordExpires;
  if (expires !== null && expires.getTime() <= (options.now ?? new Date()).getTime()) {
    return { ok: false, reason: 'password_expired' };
  }
  if (needsRehash(row.password.passwordHash)) await rehash(prisma, row.id, row.password.passwordHash, options.password);
  return { ok: true, user: toUserRecord(row) };
}

/** Stores a fresh hash unless the password changed meanwhile (then the change wins). */
async function rehash(prisma: PrismaDb, userId: string, previousHash: string, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  await prisma.passwordCredential.updateMany({ where: { userId, passwordHash: previousHash }, data: { passwordHash } });
}
