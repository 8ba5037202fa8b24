import type { PrismaDb } from '#db/create-database.ts';
import type { LoginEventType } from './login-event-types.ts';
import { NEWEST_FIRST, olderThan, splitPage, type TimePosition } from '../newest-first.ts';

/** One recorded login event (fields the event did not know are null). */
export interface LoginEventView {
  id: string;
  at: Date;
  type: LoginEventType;
  reason: string | null;
  userId: string | null;
  email: string | null;
  connectorId: string | null;
  clientId: string | null;
  clientAddress: string | null;
}

/** Where a page of events starts: after this event (newest-first order). */
export type LoginEventPosition = TimePosition;

export interface ListLoginEventsOptions {
  /** Page size (the caller bounds it). */
  limit: number;
  after?: LoginEventPosition;
  type?: LoginEventType;
  /** Exact match on the user's id. */
  userId?: string;
  /** Case-insensitive exact match on the email (emails are stored as typed or as the user's, lower-cased). */
  email?: string;
  clientId?: string;
  /** Events at or after this instant. */
  since?: Date;
  /** Events strictly before this instant. */
  until?: Date;
}

export interface LoginEventPage {
  events: LoginEventView[];
  /** The `after` of the next page, or null when this is the last one. */
  next: LoginEventPosition | null;
}

/**
 * One page of login events, newest first (ties in time broken by id, so paging neither skips
 * nor repeats events), filtered by type, user, client and time window.
 * @example const { events, next } = await listLoginEvents(db.prisma, { limit: 50, type: 'failure', since: new Date(Date.now() - 3_600_000) });
 */
export async function listLoginEvents(prisma: PrismaDb, options: ListLoginEventsOptions): Promise<LoginEventPage> {
  const rows = await prisma.loginEvent.findMany({
    where: {
      type: options.type,
      userId: options.userId,
      email: options.email?.toLowerCase(),
      clientId: options.clientId,
      at: { gte: options.since, lt: options.until },
      ...olderThan(options.after),
    },
    orderBy: NEWEST_FIRST,
    take: options.limit + 1,
  });
  const { page, next } = splitPage(rows, options.limit);
  return {
    events: page.map((row) => ({
      id: row.id,
      at: row.at,
      type: row.type as LoginEventType,
      reason: row.reason,
      userId: row.userId,
      email: row.email,
      connectorId: row.connectorId,
      clientId: row.clientId,
      clientAddress: row.clientAddress,
    })),
    next,
  };
}
