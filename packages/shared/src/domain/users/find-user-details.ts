import type { PrismaDb } from '#db/create-database.ts';
import { AppError } from '#errors/index.ts';
import { toUserRecord, type UserRecord } from './types.ts';

/** A user with what an administrator needs to see of its credentials (never the hash itself). */
export interface UserDetails extends UserRecord {
  /** Whether a local password is set. */
  hasPassword: boolean;
  /** Ids of the connectors the user has an identity at, sorted and distinct. */
  connectors: string[];
}

/** The relations `toUserDetails` reads: only whether a password exists, and the connector ids. */
export const USER_DETAILS_INCLUDE = {
  password: { select: { userId: true } },
  remoteIdentities: { select: { connectorId: true } },
} as const;

interface UserDetailsRow extends UserRecord {
  password: { userId: string } | null;
  remoteIdentities: { connectorId: string }[];
}

/**
 * Maps a row read with {@link USER_DETAILS_INCLUDE}.
 * @example toUserDetails(await prisma.user.findUniqueOrThrow({ where: { id }, include: USER_DETAILS_INCLUDE }))
 */
export function toUserDetails(row: UserDetailsRow): UserDetails {
  return {
    ...toUserRecord(row),
    hasPassword: row.password !== null,
    connectors: [...new Set(row.remoteIdentities.map((identity) => identity.connectorId))].sort(),
  };
}

/**
 * A user with its credential summary, or null when there is none with this id.
 * @example const user = await findUserDetails(db.prisma, id); // user?.connectors → ['local']
 */
export async function findUserDetails(prisma: PrismaDb, id: string): Promise<UserDetails | null> {
  const row = await prisma.user.findUnique({ where: { id }, include: USER_DETAILS_INCLUDE });
  return row === null ? null : toUserDetails(row);
}

/**
 * Like {@link findUserDetails}, for use-cases acting on a user: NOT_FOUND when there is none.
 * @example const before = await requireUserDetails(db.prisma, id);
 */
export async function requireUserDetails(prisma: PrismaDb, id: string): Promise<UserDetails> {
  const user = await findUserDetails(prisma, id);
  if (user === null) throw new AppError('NOT_FOUND', { message: 'user not found' });
  return user;
}
