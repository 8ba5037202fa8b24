import { randomUUID } from 'node:crypto';
import type { PrismaDb } from '#db/create-database.ts';
import type { AuditAction } from './audit-actions.ts';

export interface AuditEventInput {
  actor: string;
  /** One of {@link AUDIT_ACTIONS}. */
  action: AuditAction;
  targetType: string;
  targetId: string;
  /** The object before and after the change; never include secrets. */
  before?: unknown;
  after?: unknown;
}

/**
 * Appends an entry to the audit log.
 * @example await recordAuditEvent(db.prisma, { actor: 'admin-api', action: 'admin.create', targetType: 'user', targetId: id, after: user })
 */
export async function recordAuditEvent(prisma: PrismaDb, event: AuditEventInput): Promise<void> {
  await prisma.auditEvent.create({
    data: {
      id: randomUUID(),
      actor: event.actor,
      action: event.action,
      targetType: event.targetType,
      targetId: event.targetId,
      before: event.before === undefined ? null : JSON.stringify(event.before),
      after: event.after === undefined ? null : JSON.stringify(event.after),
    },
  });
}

export {
  listAuditEvents,
  type AuditEventPage,
  type AuditEventPosition,
  type AuditEventView,
  type ListAuditEventsOptions,
} from './list-audit-events.ts';
export { AUDIT_ACTIONS, type AuditAction } from './audit-actions.ts';
export { AUDIT_CLIENT_HEADER, labelledActor } from './actor-label.ts';
