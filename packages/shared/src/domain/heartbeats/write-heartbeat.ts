import type { PrismaDb } from '#db/create-database.ts';

/** How often a process reports itself. Three missed reports make it `silent`. */
export const HEARTBEAT_INTERVAL_MS = 5_000;

export interface HeartbeatInput {
  /** Made by the process at start (random), so a restarted process is a new row. */
  id: string;
  kind: 'worker' | 'overlord';
  version: string;
  address: string;
  startedAt: Date;
  signingKeyId: string | null;
  publishedKeyIds: readonly string[];
  /** Connector id -> `ok` or why not. */
  connectorHealth: Readonly<Record<string, string>>;
  now?: Date;
}

/**
 * Records that a process is alive and what it serves: one upsert of its own row.
 * @example await writeHeartbeat(db.prisma, { id, kind: 'worker', version, address, startedAt, signingKeyId: 'k1', publishedKeyIds: ['k1'], connectorHealth: { local: 'ok' } });
 */
export async function writeHeartbeat(prisma: PrismaDb, input: HeartbeatInput): Promise<void> {
  const report = {
    kind: input.kind,
    version: input.version,
    address: input.address,
    startedAt: input.startedAt,
    lastSeenAt: input.now ?? new Date(),
    signingKeyId: input.signingKeyId,
    publishedKeyIds: JSON.stringify(input.publishedKeyIds),
    connectorHealth: JSON.stringify(input.connectorHealth),
  };
  await prisma.processHeartbeat.upsert({ where: { id: input.id }, create: { id: input.id, ...report }, update: report });
}

/**
 * Removes a stopping process's row, so a clean stop is not shown as silent.
 * @example await removeHeartbeat(db.prisma, id);
 */
export async function removeHeartbeat(prisma: PrismaDb, id: string): Promise<void> {
  await prisma.processHeartbeat.deleteMany({ where: { id } });
}
