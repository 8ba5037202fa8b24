import type { PrismaDb } from '#db/create-database.ts';
import { NEWEST_FIRST, olderThan, splitPage, type TimePosition } from '../newest-first.ts';

/** One audit log entry, with `before` and `after` parsed back from their JSON text. */
export interface AuditEventView {
  id: string;
  at: Date;
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  /** The object before the change (null when there was none). */
  before: unknown;
  /** The object after the change (null when there is none). */
  after: unknown;
}

/** Where a page of the audit log starts: after this entry (newest-first order). */
export type AuditEventPosition = TimePosition;

export interface ListAuditEventsOptions {
  /** Page size (the caller bounds it). */
  limit: number;
  after?: AuditEventPosition;
  /** Exact matches. */
  action?: string;
  targetType?: string;
  targetId?: string;
  /** Entries at or after this instant. */
  since?: Date;
  /** Entries strictly before this instant. */
  until?: Date;
}

export interface AuditEventPage {
  events: AuditEventView[];
  /** The `after` of the next page, or null when this is the last one. */
  next: AuditEventPosition | null;
}

/** Entries are written by `recordAuditEvent`; text that does not parse is shown as is rather than failing the list. */
function parseSnapshot(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * One page of the audit log, newest first (ties in time broken by id, so paging neither
 * skips nor repeats entries), filtered by action, target and time window.
 * @example const { events, next } = await listAuditEvents(db.prisma, { limit: 50, targetType: 'user', targetId: id });
 */
export async function listAuditEvents(prisma: PrismaDb, options: ListAuditEventsOptions): Promise<AuditEventPage> {
  const rows = await prisma.auditEvent.findMany({
    where: {
      action: options.action,
      targetType: options.targetType,
      targetId: options.targetId,
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
      actor: row.actor,
      action: row.action,
      targetType: row.targetType,
      targetId: row.targetId,
      before: parseSnapshot(row.before),
      after: parseSnapshot(row.after),
    })),
    next,
  };
}
