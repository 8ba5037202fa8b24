import { type RunningHeartbeat, startHeartbeat } from '@dex/shared/domain/heartbeats';
import type { PrismaDb } from '@dex/shared/db';
import type { Logger } from '@dex/shared/logging';
import type { ConnectorRegistry } from '#connectors/connector-registry.ts';
import type { KeyCache } from '#oidc/key-cache.ts';
import { checkConnectors } from './check-connectors.ts';

/** How often the heartbeat asks the connectors' upstreams again (each beat reports the last answers). */
const CONNECTOR_CHECK_INTERVAL_MS = 30_000;
/** The first beat waits this long at most for the first connector answers. */
const FIRST_CHECK_WAIT_MS = 2_000;

export interface WorkerHeartbeatDeps {
  prisma: PrismaDb;
  keys: KeyCache;
  connectors: ConnectorRegistry;
  /** The worker's issuer: where relying parties reach it. */
  address: string;
  logger: Logger;
  intervalMs?: number;
}

/**
 * Reports the worker to the database every few seconds: the key it signs with, the keys its
 * JWKS publishes (both as its key cache holds them, what it really serves), and each
 * connector's health, asked in the background every 30 s so a slow upstream never delays a beat.
 * @example const heartbeat = await startWorkerHeartbeat({ prisma, keys, connectors, address: issuer, logger });
 */
export function startWorkerHeartbeat(deps: WorkerHeartbeatDeps): Promise<RunningHeartbeat> {
  let health: Record<string, string> = {};
  let checkedAt = 0;
  let checking: Promise<void> | null = null;
  let isFailing = false;
  const refreshConnectors = (): Promise<void> => {
    checking ??= checkConnectors(deps.connectors)
      .then((results) => {
        health = Object.fromEntries(results);
      })
      .catch(() => undefined)
      .finally(() => {
        checkedAt = Date.now();
        checking = null;
      });
    return checking;
  };
  const first = refreshConnectors();
  return startHeartbeat(deps.prisma, {
    kind: 'worker',
    address: deps.address,
    ...(deps.intervalMs === undefined ? {} : { intervalMs: deps.intervalMs }),
    async sample() {
      if (checkedAt === 0) await Promise.race([first, new Promise((r) => setTimeout(r, FIRST_CHECK_WAIT_MS).unref())]);
      else if (Date.now() - checkedAt >= CONNECTOR_CHECK_INTERVAL_MS) void refreshConnectors();
      const keySet = await deps.keys.get();
      return {
        signingKeyId: keySet.active?.kid ?? null,
        publishedKeyIds: keySet.published.map((key) => key.kid ?? ''),
        connectorHealth: health,
      };
    },
    onWritten() {
      if (isFailing) deps.logger.info('heartbeat written again');
      isFailing = false;
    },
    onError(error) {
      if (!isFailing) deps.logger.warn({ err: error }, 'cannot write the heartbeat');
      isFailing = true;
    },
  });
}
