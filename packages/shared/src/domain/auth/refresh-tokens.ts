import { randomUUID } from 'node:crypto';
import { randomToken, sha256Hex } from '#crypto/index.ts';
import type { PrismaDb } from '#db/create-database.ts';

/** A stored refresh token as the token endpoint needs it (no hash). */
export interface RefreshTokenRecord {
  id: string;
  familyId: string;
  userId: string;
  clientId: string;
  connectorId: string;
  scopes: string[];
  /** The auth session the family started from (null for a family issued without one). */
  authSessionId: string | null;
  authTime: Date | null;
  createdAt: Date;
  expiresAt: Date;
}

interface RefreshTokenRow {
  id: string;
  familyId: string;
  userId: string;
  clientId: string;
  connectorId: string;
  scopes: string;
  authSessionId: string | null;
  authTime: Date | null;
  createdAt: Date;
  expiresAt: Date;
}

function toRecord(row: RefreshTokenRow): RefreshTokenRecord {
  return {
    id: row.id,
    familyId: row.familyId,
    userId: row.userId,
    clientId: row.clientId,
    connectorId: row.connectorId,
    scopes: row.scopes === '' ? [] : row.scopes.split(' '),
    authSessionId: row.authSessionId,
    authTime: row.authTime,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  };
}

/**
 * The grant a refresh token belongs to, as access tokens name it in their `gid` claim: the
 * auth session its family started from, else (a family issued without one) the family.
 * @example const gid = refreshTokenGrantId(result.current);
 */
export function refreshTokenGrantId(token: { authSessionId: string | null; familyId: string }): string {
  return token.authSessionId ?? token.familyId;
}

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
 * Revokes every refresh token of a grant, as an access token's `gid` names it (an auth
 * session id or, for a family issued without one, the family id): used when one of the
 * grant's access tokens is revoked (RFC 7009 §2.1).
 * @returns how many tokens were revoked.
 * @example await revokeRefreshTokensOfGrant(db.prisma, claims.gid)
 */
export function revokeRefreshTokensOfGrant(prisma: PrismaDb, grantId: string, now = new Date()): Promise<number> {
  return revokeFamiliesOf(prisma, { OR: [{ authSessionId: grantId }, { familyId: grantId }] }, now);
}

/** Revokes the whole family of every refresh token that `where` matches; returns how many tokens. */
async function revokeFamiliesOf(
  prisma: PrismaDb,
  where: { OR: ({ authSessionId: string } | { familyId: string })[] } | { authSessionId: string },
  now: Date,
): Promise<number> {
  const tokens = await prisma.refreshToken.findMany({ where, select: { familyId: true } });
  const families = [...new Set(tokens.map((t) => t.familyId))];
  if (families.length === 0) return 0;
  const result = await prisma.refreshToken.updateMany({
    where: { familyId: { in: families }, revokedAt: null },
    data: { revokedAt: now },
  });
  return result.count;
}

/**
 * Revokes every refresh token issued from one authorization (used when its code is replayed).
 * @example await revokeTokensOfAuthSession(db.prisma, session.id)
 */
export function revokeTokensOfAuthSession(prisma: PrismaDb, authSessionId: string, now = new Date()): Promise<number> {
  return revokeFamiliesOf(prisma, { authSessionId }, now);
}

async function revokeFamily(prisma: PrismaDb, familyId: string, now: Date): Promise<number> {
  const result = await prisma.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: now } });
  return result.count;
}

/**
 * What {@link revokeRefreshToken} did: how many tokens it revoked, and the grant
 * ({@link refreshTokenGrantId}) of the token presented, so the caller can revoke that grant's
 * access tokens too; `otherClient` (and nothing revoked) when it is another client's; null
 * when the token is unknown.
 */
export type RevokeRefreshTokenResult = { revoked: number; grantId: string } | { otherClient: true } | null;

/**
 * Revokes the family of a refresh token presented by its client (RFC 7009). Unknown tokens
 * are ignored (§2.2); another client's token is left alone and reported (§2.1: refused).
 * A token already rotated or revoked still names its grant (its family may have live tokens).
 * @example const result = await revokeRefreshToken(db.prisma, { token, clientId })
 */
export async function revokeRefreshToken(
  prisma: PrismaDb,
  options: { token: string; clientId: string; now?: Date },
): Promise<RevokeRefreshTokenResult> {
  const row = await prisma.refreshToken.findUnique({ where: { tokenHash: sha256Hex(options.token) } });
  if (row === null) return null;
  if (row.clientId !== options.clientId) return { otherClient: true };
  const revoked = await revokeFamily(prisma, row.familyId, options.now ?? new Date());
  return { revoked, grantId: refreshTokenGrantId(row) };
}

/**
 * The live refresh token a client presents, for introspection: null when it is unknown,
 * rotated, revoked or expired.
 * @example const record = await findActiveRefreshToken(db.prisma, { token, idleTtlMs });
 */
export async function findActiveRefreshToken(
  prisma: PrismaDb,
  options: { token: string; idleTtlMs: number; now?: Date },
): Promise<RefreshTokenRecord | null> {
  const now = (options.now ?? new Date()).getTime();
  const row = await prisma.refreshToken.findUnique({ where: { tokenHash: sha256Hex(options.token) } });
  if (row === null || row.revokedAt !== null || row.rotatedAt !== null) return null;
  if (row.expiresAt.getTime() <= now || (row.lastUsedAt ?? row.createdAt).getTime() + options.idleTtlMs <= now) return null;
  return toRecord(row);
}

/**
 * Revokes every refresh token of a user (disabling a user, "log out everywhere").
 * @example await revokeUserRefreshTokens(db.prisma, userId)
 */
export async function revokeUserRefreshTokens(prisma: PrismaDb, userId: string, now = new Date()): Promise<number> {
  const result = await prisma.refreshToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
  return result.count;
}
