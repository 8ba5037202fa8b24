import { Router } from 'express';
import { AUDIT_API_PATHS, type TAuditEventList, ZListAuditEventsQuery } from '@dex/shared/admin-api';
import type { PrismaDb } from '@dex/shared/db';
import { listAuditEvents } from '@dex/shared/domain/audit';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '@dex/shared/admin-api/requests';
import { parseQuery } from '@dex/shared/admin-api/requests';

export interface AuditRoutesDeps {
  prisma: PrismaDb;
}

/** The audit log is paged newest first; the cursor carries the time and id of the page's last entry. */
const ZAuditCursor = z.strictObject({ at: z.iso.datetime(), id: z.string().min(1) });

function optionalDate(value: string | undefined): Date | undefined {
  return value === undefined ? undefined : new Date(value);
}

/** Reading the audit log (new in this implementation): who changed what, newest first. */
export function auditRoutes(deps: AuditRoutesDeps): Router {
  const router = Router();

  router.get(AUDIT_API_PATHS.audit, async (req, res) => {
    const query = parseQuery(ZListAuditEventsQuery, req.query);
    const after = query.cursor === undefined ? undefined : decodeCursor(ZAuditCursor, query.cursor);
    const page = await listAuditEvents(deps.prisma, {
      limit: query.limit,
      after: after === undefined ? undefined : { at: new Date(after.at), id: after.id },
      action: query.action,
      targetType: query.targetType,
      targetId: query.targetId,
      since: optionalDate(query.since),
      until: optionalDate(query.until),
    });
    const body: TAuditEventList = {
      items: page.events.map((event) => ({ ...event, at: event.at.toISOString() })),
      nextCursor: page.next === null ? null : encodeCursor({ at: page.next.at.toISOString(), id: page.next.id }),
    };
    res.json(body);
  });

  return router;
}
