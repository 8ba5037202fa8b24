import type { PrismaDb } from '#db/create-database.ts';
import { HEARTBEAT_INTERVAL_MS } from './write-heartbeat.ts';

/** A process not heard of for this long is left out of the list (and collected). */
export const HEARTBEAT_RETENTION_MS = 24 * 3_600_000;

export type ProcessState = 'healthy' | 'degraded' | 'silent';

export interface ProcessView {
  id: string;
  kind: 'worker' | 'overlord';
  version: string;
  address: string;
  startedAt: string;
  lastSeenAt: string;
  state: ProcessState;
  silentForSeconds: number;
  signingKeyId: string | null;
  publishedKeyIds: string[];
  connectors: Record<string, string>;
}

export interface ProcessListView {
  processes: ProcessView[];
  heartbeatSeconds: number;
  signingKeyIds: string[];
  keysAgree: boolean;
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/**
 * Every process that reported in the last day with its state, workers first, then by address;
 * and whether the workers that are not silent sign with one key.
 * @example const { processes, keysAgree } = await listProcesses(db.prisma);
 */
export async function listProcesses(prisma: PrismaDb, options: { now?: Date } = {}): Promise<ProcessListView> {
  const now = options.now ?? new Date();
  const rows = await prisma.processHeartbeat.findMany({
    where: { lastSeenAt: { gte: new Date(now.getTime() - HEARTBEAT_RETENTION_MS) } },
    orderBy: [{ kind: 'desc' }, { address: 'asc' }, { startedAt: 'asc' }],
  });
  const processes = rows.map((row): ProcessView => {
    const silentForMs = Math.max(0, now.getTime() - row.lastSeenAt.getTime());
    const connectors = parseJson<Record<string, string>>(row.connectorHealth, {});
    const isSilent = silentForMs > 3 * HEARTBEAT_INTERVAL_MS;
    const state: ProcessState = isSilent ? 'silent' : Object.values(connectors).every((v) => v === 'ok') ? 'healthy' : 'degraded';
    return {
      id: row.id,
      kind: row.kind === 'overlord' ? 'overlord' : 'worker',
      version: row.version,
      address: row.address,
      startedAt: row.startedAt.toISOString(),
      lastSeenAt: row.lastSeenAt.toISOString(),
      state,
      silentForSeconds: Math.floor(silentForMs / 1000),
      signingKeyId: row.signingKeyId,
      publishedKeyIds: parseJson<string[]>(row.publishedKeyIds, []),
      connectors,
    };
  });
  const signingKeyIds = [
    ...new Set(processes.filter((p) => p.kind === 'worker' && p.state !== 'silent').map((p) => p.signingKeyId ?? '(none)')),
  ].sort();
  return { processes, heartbeatSeconds: HEARTBEAT_INTERVAL_MS / 1000, signingKeyIds, keysAgree: signingKeyIds.length <= 1 };
}

/**
 * Deletes the rows of processes not heard of for a day (the overlord's garbage collection).
 * @returns how many rows went.
 * @example const count = await deleteSilentHeartbeats(db.prisma);
 */
export async function deleteSilentHeartbeats(prisma: PrismaDb, options: { now?: Date } = {}): Promise<number> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - HEARTBEAT_RETENTION_MS);
  const { count } = await prisma.processHeartbeat.deleteMany({ where: { lastSeenAt: { lt: cutoff } } });
  return count;
}
