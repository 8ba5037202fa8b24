import { Router } from 'express';
import { EVENTS_API_PATHS, type TLoginEventList, ZListLoginEventsQuery } from '@dex/shared/admin-api';
import { parseQuery } from '@dex/shared/admin-api/requests';
import type { PrismaDb } from '@dex/shared/db';
import { listLoginEvents } from '@dex/shared/domain/login-events';
import { optionalDate, readTimeCursor, writeTimeCursor } from './time-cursor.ts';

export interface EventsRoutesDeps {
  prisma: PrismaDb;
}

/**
 * Reading the workers' login events (new in this implementation, as Keycloak's "Events"):
 * successes, failures with their reason, lockouts and logouts, newest first, filtered and
 * paged as the audit log is.
 */
export function eventsRoutes(deps: EventsRoutesDeps): Router {
  const router = Router();

  router.get(EVENTS_API_PATHS.events, async (req, res) => {
    const query = parseQuery(ZListLoginEventsQuery, req.query);
    const page = await listLoginEvents(deps.prisma, {
      limit: query.limit,
      after: readTimeCursor(query.cursor),
      type: query.type,
      userId: query.userId,
      email: query.email,
      clientId: query.clientId,
      since: optionalDate(query.since),
      until: optionalDate(query.until),
    });
    const body: TLoginEventList = {
      items: page.events.map((event) => ({ ...event, at: event.at.toISOString() })),
      nextCursor: writeTimeCursor(page.next),
    };
    res.json(body);
  });

  return router;
}
