import { randomUUID } from 'node:crypto';
import { randomToken, sha256Hex } from '#crypto/index.ts';
import type { PrismaDb } from '#db/create-database.ts';

export interface IssueRefreshTokenOptions {
  userId: string;
  clientId: string;
  connectorId: string;
  scopes: readonly string[];
  authSessionId?: string;
  authTime?: Date;
  ttlMs: number;
  now?: Date;
}

/**
 * Issues a refresh token (256 random bits; only its SHA-256 is stored) as the first of a
 * new family.
 * @example const token = await issueRefreshToken(db.prisma, { userId, clientId, connectorId: 'local', scopes, ttlMs });
 */
export async function issueRefreshToken(prisma: PrismaDb, options: IssueRefreshTokenOptions): Promise<string> {
  const now = options.now ?? new Date();
  const token = randomToken(32);
  const id = randomUUID();
  await prisma.refreshToken.create({
    data: {
      id,
      tokenHash: sha256Hex(token),
      familyId: id,
      userId: options.userId,
      clientId: options.clientId,
      connectorId: options.connectorId,
      scopes: options.scopes.join(' '),
      authSessionId: options.authSessionId ?? null,
      authTime: options.authTime ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + options.ttlMs),
    },
  });
  return token;
}

/**
 * Revokes every refresh token issued from one authorization (used when its code is replayed).
 * @example await revokeTokensOfAuthSession(db.prisma, session.id)
 */
export async function revokeTokensOfAuthSession(prisma: PrismaDb, authSessionId: string, now = new Date()): Promise<number> {
  const tokens = await prisma.refreshToken.findMany({ where: { authSessionId }, select: { familyId: true } });
  const families = [...new Set(tokens.map((t) => t.familyId))];
  if (families.length === 0) return 0;
  const result = await prisma.refreshToken.updateMany({
    where: { familyId: { in: families }, revokedAt: null },
    data: { revokedAt: now },
  });
  return result.count;
}
