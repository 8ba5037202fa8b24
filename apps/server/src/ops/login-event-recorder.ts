import type { PrismaDb } from '@dex/shared/db';
import { type LoginEventInput, recordLoginEvent } from '@dex/shared/domain/login-events';
import type { Logger } from '@dex/shared/logging';
import type { WorkerMetrics } from '#http/metrics.ts';

/** Records one login event; never throws (see {@link loginEventRecorder}). */
export type RecordLoginEvent = (event: LoginEventInput) => Promise<void>;

/**
 * The worker's login events (success, failure with its reason, lockout, logout) as one insert
 * each into `login_events`. A failed insert never fails the login it describes: it is logged
 * (the event's type and the error's name only, never the email, address or SQL) and counted in
 * `dex_login_events_dropped_total`.
 * @example const record = loginEventRecorder({ prisma, logger, metrics }); await record({ type: 'success', userId, email, connectorId: 'local', clientId, clientAddress });
 */
export function loginEventRecorder(deps: { prisma: PrismaDb; logger: Logger; metrics: WorkerMetrics }): RecordLoginEvent {
  return async (event) => {
    try {
      await recordLoginEvent(deps.prisma, event);
    } catch (error) {
      deps.metrics.loginEventsDropped.inc({ type: event.type });
      deps.logger.warn({ type: event.type, error: error instanceof Error ? error.name : typeof error }, 'login event not recorded');
    }
  };
}
