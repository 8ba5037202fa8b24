import { z } from 'zod';
import { LOGIN_EVENT_TYPES } from '#domain/login-events/login-event-types.ts';
import { ZPageCursor, ZPageLimit, zFilterParam, zInstantParam } from './paging.ts';

export { LOGIN_EVENT_TYPES, type LoginEventType } from '#domain/login-events/login-event-types.ts';

/** Path of the login events endpoint. */
export const EVENTS_API_PATHS = {
  events: '/api/v1/events',
} as const;

const filter = (name: string) => zFilterParam(name, 320);

/**
 * `GET /api/v1/events` query: `type` one of {@link LOGIN_EVENT_TYPES}, exact-match user
 * (`userId`, or `email` case-insensitively) and client, and a time window where `since` is
 * inclusive and `until` exclusive (ISO 8601, with `Z` or an offset).
 */
export const ZListLoginEventsQuery = z.strictObject({
  limit: ZPageLimit,
  cursor: ZPageCursor.optional(),
  type: z.enum(LOGIN_EVENT_TYPES, { error: `type must be one of ${LOGIN_EVENT_TYPES.join(', ')}` }).optional(),
  userId: filter('userId').optional(),
  email: filter('email').optional(),
  clientId: filter('clientId').optional(),
  since: zInstantParam('since').optional(),
  until: zInstantParam('until').optional(),
});
export type TListLoginEventsQuery = z.input<typeof ZListLoginEventsQuery>;

/** One login event as the worker recorded it; what it did not know is null. */
export const ZLoginEvent = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  type: z.enum(LOGIN_EVENT_TYPES),
  reason: z.string().nullable(),
  userId: z.string().nullable(),
  email: z.string().nullable(),
  connectorId: z.string().nullable(),
  clientId: z.string().nullable(),
  clientAddress: z.string().nullable(),
});
export type TLoginEvent = z.infer<typeof ZLoginEvent>;

/** `GET /api/v1/events`: newest first; `nextCursor` is null on the last page. */
export const ZLoginEventList = z.object({
  items: z.array(ZLoginEvent),
  nextCursor: z.string().nullable(),
});
export type TLoginEventList = z.infer<typeof ZLoginEventList>;
