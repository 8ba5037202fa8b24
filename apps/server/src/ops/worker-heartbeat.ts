import { type RunningHeartbeat, startHeartbeat } from '@dex/shared/domain/heartbeats';
import type { PrismaDb } from '@dex/shared/db';
import type { Logger } from '@dex/shared/logging';
import type { ConnectorRegistry } from '#connectors/connector-registry.ts';
import type { Connector } from '#connectors/types.ts';
import type { KeyCache } from '#oidc/key-cache.ts';
import { checkConnectorList } from './check-connectors.ts';

/** How often the heartbeat asks the connectors' upstreams again (each beat reports the last answers). */
const CONNECTOR_CHECK_INTERVAL_MS = 30_000;
/** A beat waits this long at most for the answers of connectors it has not checked yet (the first beat: all of them). */
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
 * A connector added or changed since the last check is checked at the next beat (which waits up
 * to 2 s for it), so the console learns within seconds whether a new config works; a removed one
 * is no longer reported.
 * @example const heartbeat = await startWorkerHeartbeat({ prisma, keys, connectors, address: issuer, logger });
 */
export function startWorkerHeartbeat(deps: WorkerHeartbeatDeps): Promise<RunningHeartbeat> {
  let health: Record<string, string> = {};
  /** The connector objects of the last check: the registry builds new ones when a config changes. */
  let checked = new WeakSet<Connector>();
  let checkedAt = 0;
  let checking: Promise<void> | null = null;
  let isFailing = false;
  const refreshConnectors = (): Promise<void> => {
    checking ??= deps.connectors
      .list()
      .then(async (list) => {
        const results = await checkConnectorList(list);
        health = Object.fromEntries(results);
        checked = new WeakSet(list);
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
      const wait = (checks: Promise<void>) => Promise.race([checks, new Promise((r) => setTimeout(r, FIRST_CHECK_WAIT_MS).unref())]);
      const isFirst = checkedAt === 0;
      if (isFirst) await wait(first);
      const current = await deps.connectors.list();
      const hasNew = current.some((connector) => !checked.has(connector));
      // A new or changed connector is worth a short wait: this very beat can then say whether it works.
      if (hasNew && !isFirst) await wait(refreshConnectors());
      else if (hasNew || Date.now() - checkedAt >= CONNECTOR_CHECK_INTERVAL_MS) void refreshConnectors();
      const ids = new Set(current.map((connector) => connector.id));
      const keySet = await deps.keys.get();
      return {
        signingKeyId: keySet.active?.kid ?? null,
        publishedKeyIds: keySet.published.map((key) => key.kid ?? ''),
        connectorHealth: Object.fromEntries(Object.entries(health).filter(([id]) => ids.has(id))),
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
