import type { PrismaDb } from '#db/create-database.ts';
import { requireUserDetails, type UserDetails } from './find-user-details.ts';

export interface UpdateUserOptions {
  userId: string;
  admin?: boolean;
  displayName?: string;
  emailVerified?: boolean;
}

/** A user before and after a change, for the caller's audit log. */
export interface UserChange {
  before: UserDetails;
  after: UserDetails;
}

/**
 * Changes a user's profile flags; fields left undefined keep their value. Email and password
 * are not changed here. NOT_FOUND when there is no such user.
 * @example const { before, after } = await updateUser(db.prisma, { userId, admin: true });
 */
export async function updateUser(prisma: PrismaDb, options: UpdateUserOptions): Promise<UserChange> {
  const before = await requireUserDetails(prisma, options.userId);
  await prisma.user.update({
    where: { id: options.userId },
    data: {
      ...(options.admin === undefined ? {} : { admin: options.admin }),
      ...(options.displayName === undefined ? {} : { displayName: options.displayName }),
      ...(options.emailVerified === undefined ? {} : { emailVerified: options.emailVerified }),
    },
  });
  return { before, after: await requireUserDetails(prisma, options.userId) };
}
