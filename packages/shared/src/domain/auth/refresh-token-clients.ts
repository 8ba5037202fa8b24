import type { PrismaDb } from '#db/create-database.ts';
import { refreshTokenGrantId } from './refresh-tokens.ts';

/** A client that holds a user's refresh token, as the user sees it (dex v0 `ClientsWithRefreshTokens`). */
export interface RefreshTokenClient {
  id: string;
  name: string;
  logoUri: string | null;
  clientUri: string | null;
}

/**
 * The clients that hold a live refresh token of a user (not revoked, rotated or expired),
 * each once (v0 joined without DISTINCT), ordered by id. Empty for an unknown user.
 * @example const clients = await listRefreshTokenClients(db.prisma, { userId });
 */
export async function listRefreshTokenClients(prisma: PrismaDb, options: { userId: string; now?: Date }): Promise<RefreshTokenClient[]> {
  const tokens = await prisma.refreshToken.findMany({
    where: { userId: options.userId, revokedAt: null, rotatedAt: null, expiresAt: { gt: options.now ?? new Date() } },
    select: { clientId: true },
    distinct: ['clientId'],
  });
  if (tokens.length === 0) return [];
  return prisma.client.findMany({
    where: { id: { in: tokens.map((token) => token.clientId) } },
    select: { id: true, name: true, logoUri: true, clientUri: true },
    orderBy: { id: 'asc' },
  });
}

/** What {@link revokeClientRefreshTokens} did: the tokens revoked, and the grants they belonged to (for their access tokens). */
export interface RevokedClientRefreshTokens {
  revoked: number;
  grantIds: string[];
}

/**
 * Revokes every refresh token a user gave one client (dex v0 `DELETE account/:userid/refresh/:clientid`):
 * the user takes the client's offline access away. The caller revokes `grantIds` too, so the
 * access tokens of those grants stop working. Nothing to revoke is not an error.
 * @example const { revoked, grantIds } = await revokeClientRefreshTokens(db.prisma, { userId, clientId });
 */
export async function revokeClientRefreshTokens(
  prisma: PrismaDb,
  options: { userId: string; clientId: string; now?: Date },
): Promise<RevokedClientRefreshTokens> {
  const where = { userId: options.userId, clientId: options.clientId, revokedAt: null };
  const live = await prisma.refreshToken.findMany({ where, select: { authSessionId: true, familyId: true } });
  const result = await prisma.refreshToken.updateMany({ where, data: { revokedAt: options.now ?? new Date() } });
  return { revoked: result.count, grantIds: [...new Set(live.map(refreshTokenGrantId))] };
}
