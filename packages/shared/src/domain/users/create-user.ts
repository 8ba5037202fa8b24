import { randomUUID } from 'node:crypto';
import { hashPassword, isAcceptablePassword } from '#crypto/index.ts';
import type { PrismaDb } from '#db/create-database.ts';
import { AppError } from '#errors/index.ts';
import { isUniqueViolation } from '../prisma-errors.ts';
import { isValidEmail, LOCAL_CONNECTOR_ID, normalizeEmail, toUserRecord, type UserRecord } from './types.ts';

export interface CreateUserOptions {
  email: string;
  /** Plain-text password; the store hashes it. Omit for users of upstream connectors only. */
  password?: string;
  displayName?: string;
  emailVerified?: boolean;
  admin?: boolean;
  /** Created disabled: the user cannot log in until enabled (dex v0's worker API honours it). */
  disabled?: boolean;
  /** Connector id for the local identity (default `local`). */
  localConnectorId?: string;
  /** An upstream identity to link the new user to (automatic registration). */
  remoteIdentity?: { connectorId: string; remoteId: string };
}

/**
 * Creates a user. With a password, also a password credential and the local remote
 * identity `(local, userId)`, so the local connector can log the user in.
 * Throws BAD_REQUEST for an invalid email or a too-short password, CONFLICT for an email
 * already in use (case-insensitively).
 * @example await createUser(db.prisma, { email: 'admin@example.com', password: 'hunter22', admin: true })
 */
export async function createUser(prisma: PrismaDb, options: CreateUserOptions): Promise<UserRecord> {
  const email = normalizeEmail(options.email);
  if (!isValidEmail(email)) throw new AppError('BAD_REQUEST', { message: 'invalid email address' });
  if (options.password !== undefined && !isAcceptablePassword(options.password)) {
    throw new AppError('BAD_REQUEST', { message: 'password must be at least 6 characters' });
  }
  const passwordHash = options.password === undefined ? undefined : await hashPassword(options.password);
  const id = randomUUID();
  try {
    const row = await prisma.user.create({
      data: {
        id,
        email,
        displayName: options.displayName ?? '',
        emailVerified: options.emailVerified ?? false,
        admin: options.admin ?? false,
        disabled: options.disabled ?? false,
        ...(passwordHash === undefined ? {} : { password: { create: { passwordHash } } }),
        remoteIdentities: {
          create: [
            ...(passwordHash === undefined ? [] : [{ connectorId: options.localConnectorId ?? LOCAL_CONNECTOR_ID, remoteId: id }]),
            ...(options.remoteIdentity === undefined ? [] : [options.remoteIdentity]),
          ],
        },
      },
    });
    return toUserRecord(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('CONFLICT', { message: 'email already in use' });
    throw error;
  }
}
