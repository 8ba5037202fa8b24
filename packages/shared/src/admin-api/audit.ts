import { z } from 'zod';
import { ZPageCursor, ZPageLimit, zFilterParam, zInstantParam } from './paging.ts';

export { AUDIT_ACTIONS, type AuditAction } from '#domain/audit/audit-actions.ts';

/** Path of the audit log endpoint. */
export const AUDIT_API_PATHS = {
  audit: '/api/v1/audit',
} as const;

const filter = (name: string) => zFilterParam(name, 200);

/**
 * `GET /api/v1/audit` query: exact-match filters, and a time window where `since` is
 * inclusive and `until` exclusive (ISO 8601, with `Z` or an offset).
 */
export const ZListAuditEventsQuery = z.strictObject({
  limit: ZPageLimit,
  cursor: ZPageCursor.optional(),
  action: filter('action').optional(),
  targetType: filter('targetType').optional(),
  targetId: filter('targetId').optional(),
  since: zInstantParam('since').optional(),
  until: zInstantParam('until').optional(),
});
export type TListAuditEventsQuery = z.input<typeof ZListAuditEventsQuery>;

/** One audit log entry; `before` and `after` are the changed object as JSON (null when absent). */
export const ZAuditEvent = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  actor: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});
export type TAuditEvent = z.infer<typeof ZAuditEvent>;

/** `GET /api/v1/audit`: newest first; `nextCursor` is null on the last page. */
export const ZAuditEventList = z.object({
  items: z.array(ZAuditEvent),
  nextCursor: z.string().nullable(),
});
export type TAuditEventList = z.infer<typeof ZAuditEventList>;
