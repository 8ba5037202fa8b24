import type { PrismaDb } from '#db/create-database.ts';
import { revokeUserRefreshTokens } from '../auth/refresh-tokens.ts';
import { requireUserDetails } from './find-user-details.ts';

export interface RevokeUserTokensOptions {
  userId: string;
  now?: Date;
}

export interface RevokedUserTokens {
  /** Refresh tokens revoked now (already revoked ones are not counted). */
  revokedRefreshTokens: number;
  /** Single sign-on browser sessions ended. */
  endedSessions: number;
}

/**
 * Logs a user out everywhere: revokes every refresh token and ends every browser session,
 * so the next authorization request asks for credentials again. Access tokens already
 * issued stay valid until they expire. NOT_FOUND when there is no such user.
 * @example const { revokedRefreshTokens, endedSessions } = await revokeUserTokens(db.prisma, { userId });
 */
export async function revokeUserTokens(prisma: PrismaDb, options: RevokeUserTokensOptions): Promise<RevokedUserTokens> {
  await requireUserDetails(prisma, options.userId);
  const revokedRefreshTokens = await revokeUserRefreshTokens(prisma, options.userId, options.now ?? new Date());
  const ended = await prisma.browserSession.deleteMany({ where: { userId: options.userId } });
  return { revokedRefreshTokens, endedSessions: ended.count };
}
