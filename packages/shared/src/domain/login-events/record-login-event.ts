import { randomUUID } from 'node:crypto';
import type { PrismaDb } from '#db/create-database.ts';
import type { LoginEventType } from './login-event-types.ts';

/** Longest text kept in a field: a login typed into a form is cut, never refused. */
const MAX_FIELD_LENGTH = 320;

export interface LoginEventInput {
  type: LoginEventType;
  /** Why a login failed (`invalid_credentials`, `disabled`, `rate_limited`, ...). */
  reason?: string;
  userId?: string;
  /** The user's email, or what was typed as the login when no user matched. */
  email?: string;
  connectorId?: string;
  clientId?: string;
  clientAddress?: string;
  at?: Date;
}

const cut = (value: string | undefined): string | null => (value === undefined || value === '' ? null : value.slice(0, MAX_FIELD_LENGTH));

/**
 * Appends one login event: a single insert, no read, no transaction, so it costs a login
 * one statement. Throws what the database throws; the worker's recorder catches it.
 * @example await recordLoginEvent(db.prisma, { type: 'failure', reason: 'invalid_credentials', email: 'jane@example.com', connectorId: 'local', clientAddress: '10.0.0.7' })
 */
export async function recordLoginEvent(prisma: PrismaDb, event: LoginEventInput): Promise<void> {
  await prisma.loginEvent.create({
    data: {
      id: randomUUID(),
      at: event.at ?? new Date(),
      type: event.type,
      reason: cut(event.reason),
      userId: cut(event.userId),
      email: cut(event.email?.toLowerCase()),
      connectorId: cut(event.connectorId),
      clientId: cut(event.clientId),
      clientAddress: cut(event.clientAddress),
    },
  });
}
