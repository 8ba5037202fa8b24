import { randomToken, sha256Hex } from '#crypto/index.ts';
import type { PrismaDb } from '#db/create-database.ts';
import { toUserRecord, type UserRecord } from '../users/types.ts';
import type { ConnectorIdentity } from './auth-session.ts';

/** A live single sign-on session of a browser, with its user. */
export interface BrowserSessionRecord {
  userId: string;
  connectorId: string;
  identity: ConnectorIdentity;
  /** When the user last actually authenticated (OIDC `auth_time`). */
  authTime: Date;
  expiresAt: Date;
  user: UserRecord;
}

/**
 * Starts a single sign-on session after a login. Returns the cookie value (256 random bits);
 * only its SHA-256 is stored.
 * @example const cookie = await createBrowserSession(db.prisma, { userId, connectorId, identity, authTime, ttlMs });
 */
export async function createBrowserSession(
  prisma: PrismaDb,
  options: { userId: string; connectorId: string; identity: ConnectorIdentity; authTime: Date; ttlMs: number; now?: Date },
): Promise<string> {
  const now = options.now ?? new Date();
  const token = randomToken(32);
  await prisma.browserSession.create({
    data: {
      idHash: sha256Hex(token),
      userId: options.userId,
      connectorId: options.connectorId,
      identity: JSON.stringify(options.identity),
      authTime: options.authTime,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + options.ttlMs),
    },
  });
  return token;
}

/**
 * The session a browser's cookie names, or null when it is unknown, expired, or its user is
 * disabled.
 * @example const session = await findBrowserSession(db.prisma, cookie);
 */
export async function findBrowserSession(prisma: PrismaDb, token: string, now = new Date()): Promise<BrowserSessionRecord | null> {
  const row = await prisma.browserSession.findUnique({ where: { idHash: sha256Hex(token) }, include: { user: true } });
  if (row === null || row.expiresAt.getTime() <= now.getTime() || row.user.disabled) return null;
  return {
    userId: row.userId,
    connectorId: row.connectorId,
    identity: JSON.parse(row.identity) as ConnectorIdentity,
    authTime: row.authTime,
    expiresAt: row.expiresAt,
    user: toUserRecord(row.user),
  };
}

/** Ends the session a cookie names (logout). @example await endBrowserSession(db.prisma, cookie) */
export async function endBrowserSession(prisma: PrismaDb, token: string): Promise<boolean> {
  const result = await prisma.browserSession.deleteMany({ where: { idHash: sha256Hex(token) } });
  return result.count > 0;
}
