import type { PrismaDb } from '#db/create-database.ts';
import { requireUserDetails } from './find-user-details.ts';
import { revokeUserTokens, type RevokedUserTokens } from './revoke-user-tokens.ts';
import type { UserChange } from './update-user.ts';

export interface DisableUserOptions {
  userId: string;
  now?: Date;
}

/**
 * Disables a user: no more logins, refreshes or userinfo. Also revokes the user's refresh
 * tokens and ends their browser sessions. The flag is set first, and the workers refuse a
 * disabled user's tokens and sessions anyway, so a failure after it leaves nothing usable;
 * disabling again (idempotent) finishes the cleanup. NOT_FOUND when there is no such user.
 * @example const { after, revokedRefreshTokens } = await disableUser(db.prisma, { userId });
 */
export async function disableUser(prisma: PrismaDb, options: DisableUserOptions): Promise<UserChange & RevokedUserTokens> {
  const before = await requireUserDetails(prisma, options.userId);
  await prisma.user.update({ where: { id: options.userId }, data: { disabled: true } });
  const revoked = await revokeUserTokens(prisma, options);
  return { before, after: await requireUserDetails(prisma, options.userId), ...revoked };
}
