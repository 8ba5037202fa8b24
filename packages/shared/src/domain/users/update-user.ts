import type { PrismaDb } from '#db/create-database.ts';
import { AppError } from '#errors/index.ts';
import { isUniqueViolation } from '../prisma-errors.ts';
import { requireUserDetails, type UserDetails } from './find-user-details.ts';
import { isValidEmail, normalizeEmail } from './types.ts';

export interface UpdateUserOptions {
  userId: string;
  admin?: boolean;
  displayName?: string;
  /** A new email address (lowercased). Unless `emailVerified` comes with it, a changed address is unverified. */
  email?: string;
  emailVerified?: boolean;
}

/** A user before and after a change, for the caller's audit log. */
export interface UserChange {
  before: UserDetails;
  after: UserDetails;
}

/**
 * Changes a user's profile; fields left undefined keep their value. A new email must be valid
 * and unused (BAD_REQUEST, CONFLICT), and is unverified unless `emailVerified` says otherwise.
 * Passwords are not changed here. NOT_FOUND when there is no such user.
 * @example const { before, after } = await updateUser(db.prisma, { userId, email: 'new@example.com', emailVerified: true });
 */
export async function updateUser(prisma: PrismaDb, options: UpdateUserOptions): Promise<UserChange> {
  const before = await requireUserDetails(prisma, options.userId);
  const email = options.email === undefined ? undefined : normalizeEmail(options.email);
  if (email !== undefined && !isValidEmail(email)) throw new AppError('BAD_REQUEST', { message: 'invalid email address' });
  const emailChanged = email !== undefined && email !== before.email;
  const emailVerified = options.emailVerified ?? (emailChanged ? false : undefined);
  try {
    await prisma.user.update({
      where: { id: options.userId },
      data: {
        ...(options.admin === undefined ? {} : { admin: options.admin }),
        ...(options.displayName === undefined ? {} : { displayName: options.displayName }),
        ...(emailChanged ? { email } : {}),
        ...(emailVerified === undefined ? {} : { emailVerified }),
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('CONFLICT', { message: 'email already in use' });
    throw error;
  }
  return { before, after: await requireUserDetails(prisma, options.userId) };
}
