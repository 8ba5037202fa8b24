import type { PrismaDb } from '#db/create-database.ts';
import { requireUserDetails } from './find-user-details.ts';
import type { UserChange } from './update-user.ts';

/**
 * Enables a disabled user again (idempotent). Revoked tokens stay revoked: the user logs in
 * anew. NOT_FOUND when there is no such user.
 * @example const { after } = await enableUser(db.prisma, { userId });
 */
export async function enableUser(prisma: PrismaDb, options: { userId: string }): Promise<UserChange> {
  const before = await requireUserDetails(prisma, options.userId);
  await prisma.user.update({ where: { id: options.userId }, data: { disabled: false } });
  return { before, after: await requireUserDetails(prisma, options.userId) };
}
