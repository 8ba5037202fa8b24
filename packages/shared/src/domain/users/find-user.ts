import type { PrismaDb } from '#db/create-database.ts';
import { normalizeEmail, toUserRecord, type UserRecord } from './types.ts';

/** @example await findUserById(db.prisma, id) // UserRecord | null */
export async function findUserById(prisma: PrismaDb, id: string): Promise<UserRecord | null> {
  const row = await prisma.user.findUnique({ where: { id } });
  return row === null ? null : toUserRecord(row);
}

/** Looks a user up by email, case-insensitively. @example await findUserByEmail(db.prisma, 'A@x.org') */
export async function findUserByEmail(prisma: PrismaDb, email: string): Promise<UserRecord | null> {
  const row = await prisma.user.findUnique({ where: { email: normalizeEmail(email) } });
  return row === null ? null : toUserRecord(row);
}

/** Whether an admin user exists (`GET /api/v1/state`). @example await hasAdminUser(db.prisma) */
export async function hasAdminUser(prisma: PrismaDb): Promise<boolean> {
  return (await prisma.user.count({ where: { admin: true } })) > 0;
}

/**
 * The user linked to an upstream identity (connector id, subject at that connector).
 * @example await findUserByRemoteIdentity(db.prisma, { connectorId: 'local', remoteId: userId })
 */
export async function findUserByRemoteIdentity(
  prisma: PrismaDb,
  identity: { connectorId: string; remoteId: string },
): Promise<UserRecord | null> {
  const row = await prisma.remoteIdentity.findUnique({
    where: { connectorId_remoteId: { connectorId: identity.connectorId, remoteId: identity.remoteId } },
    include: { user: true },
  });
  return row === null ? null : toUserRecord(row.user);
}
