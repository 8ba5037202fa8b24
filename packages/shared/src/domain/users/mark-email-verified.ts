import type { PrismaDb } from '#db/create-database.ts';

/** `verified`: done now; `already`: it was verified before; `mismatch`: the user's email changed or the user is gone. */
export type MarkEmailVerifiedResult = 'verified' | 'already' | 'mismatch';

/**
 * Marks a user's email verified, if it is still the address the link was sent to (dex v0
 * `VerifyEmail`). One guarded write, so concurrent uses agree.
 * @example await markEmailVerified(prisma, { userId: claims.sub, email: claims.email })
 */
export async function markEmailVerified(prisma: PrismaDb, options: { userId: string; email: string }): Promise<MarkEmailVerifiedResult> {
  const updated = await prisma.user.updateMany({
    where: { id: options.userId, email: options.email, emailVerified: false },
    data: { emailVerified: true },
  });
  if (updated.count === 1) return 'verified';
  const user = await prisma.user.findUnique({ where: { id: options.userId }, select: { email: true, emailVerified: true } });
  return user !== null && user.email === options.email && user.emailVerified ? 'already' : 'mismatch';
}
