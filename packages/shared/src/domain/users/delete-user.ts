import type { PrismaDb } from '#db/create-database.ts';
import { requireUserDetails, type UserDetails } from './find-user-details.ts';

export interface DeleteUserOptions {
  userId: string;
}

/**
 * Deletes a user and everything that lets them in: password, remote identities, refresh
 * tokens, browser sessions, approvals (by cascade) and the authorization requests in flight
 * for them (so no code issued before is exchanged after). Access tokens already issued stop
 * working: their subject no longer exists. One short write transaction.
 * NOT_FOUND when there is no such user.
 * @example const { user } = await deleteUser(db.prisma, { userId }); // user: as it was, for the audit log
 */
export async function deleteUser(prisma: PrismaDb, options: DeleteUserOptions): Promise<{ user: UserDetails }> {
  const user = await requireUserDetails(prisma, options.userId);
  await prisma.$transaction([
    prisma.authSession.deleteMany({ where: { userId: options.userId } }),
    prisma.user.deleteMany({ where: { id: options.userId } }),
  ]);
  return { user };
}
