import { Router } from 'express';
import { AUDIT_API_PATHS, type TAuditEventList, ZListAuditEventsQuery } from '@dex/shared/admin-api';
import type { PrismaDb } from '@dex/shared/db';
import { listAuditEvents } from '@dex/shared/domain/audit';
import { parseQuery } from '@dex/shared/admin-api/requests';
import { optionalDate, readTimeCursor, writeTimeCursor } from './time-cursor.ts';

export interface AuditRoutesDeps {
  prisma: PrismaDb;
}

/** Reading the audit log (new in this implementation): who changed what, newest first. */
export function auditRoutes(deps: AuditRoutesDeps): Router {
  const router = Router();

  router.get(AUDIT_API_PATHS.audit, async (req, res) => {
    const query = parseQuery(ZListAuditEventsQuery, req.query);
    const page = await listAuditEvents(deps.prisma, {
      limit: query.limit,
      after: readTimeCursor(query.cursor),
      action: query.action,
      targetType: query.targetType,
      targetId: query.targetId,
      since: optionalDate(query.since),
      until: optionalDate(query.until),
    });
    const body: TAuditEventList = {
      items: page.events.map((event) => ({ ...event, at: event.at.toISOString() })),
      nextCursor: writeTimeCursor(page.next),
    };
    res.json(body);
  });

  return router;
}
