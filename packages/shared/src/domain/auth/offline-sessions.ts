import type { PrismaDb } from '#db/create-database.ts';

/**
 * What dex keeps of a user's identity at one upstream connector so that refreshes can read it
 * again (dex v2's offline session): the groups as last read and the connector's own data
 * (sealed by the worker with the first key secret; this module never sees it in clear).
 */
export interface OfflineSessionRecord {
  userId: string;
  connectorId: string;
  groups: string[];
  /** The sealed connector data, or null when the connector left none (no upstream refresh token). */
  connectorData: string | null;
  refreshedAt: Date;
}

/** One user at one connector. */
export interface OfflineSessionKey {
  userId: string;
  connectorId: string;
}

function parseGroups(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((g): g is string => typeof g === 'string') : [];
}

/**
 * Records what a fresh login read from the connector: the groups, and the sealed connector
 * data when the connector gave some (`undefined` keeps what is stored: a login that got no
 * new upstream refresh token does not erase the last one).
 * @example await saveOfflineSession(prisma, { userId, connectorId: 'ldap', groups, connectorData: sealed });
 */
export async function saveOfflineSession(
  prisma: PrismaDb,
  options: OfflineSessionKey & { groups: readonly string[]; connectorData?: string; now?: Date },
): Promise<void> {
  const now = options.now ?? new Date();
  const groups = JSON.stringify(options.groups);
  await prisma.offlineSession.upsert({
    where: { userId_connectorId: { userId: options.userId, connectorId: options.connectorId } },
    create: {
      userId: options.userId,
      connectorId: options.connectorId,
      groups,
      connectorData: options.connectorData ?? null,
      refreshedAt: now,
    },
    update: { groups, refreshedAt: now, ...(options.connectorData === undefined ? {} : { connectorData: options.connectorData }) },
  });
}

/**
 * The offline session of a user at a connector; null when no login asked for one.
 * @example const offline = await findOfflineSession(prisma, { userId, connectorId: 'ldap' });
 */
export async function findOfflineSession(prisma: PrismaDb, key: OfflineSessionKey): Promise<OfflineSessionRecord | null> {
  const row = await prisma.offlineSession.findUnique({ where: { userId_connectorId: key } });
  if (row === null) return null;
  return {
    userId: row.userId,
    connectorId: row.connectorId,
    groups: parseGroups(row.groups),
    connectorData: row.connectorData,
    refreshedAt: row.refreshedAt,
  };
}

/**
 * Claims the right to ask the upstream about this user for `leaseMs` (a compare-and-set on
 * `refreshing_until`, one statement): of concurrent refreshes, on any number of workers, one
 * gets true and asks; the others get false and use what is stored. A claim left by a crashed
 * worker lapses after `leaseMs`.
 * @example if (await claimOfflineSessionRefresh(prisma, { userId, connectorId, leaseMs: 30_000 })) { ... }
 */
export async function claimOfflineSessionRefresh(
  prisma: PrismaDb,
  options: OfflineSessionKey & { leaseMs: number; now?: Date },
): Promise<boolean> {
  const now = options.now ?? new Date();
  const result = await prisma.offlineSession.updateMany({
    where: {
      userId: options.userId,
      connectorId: options.connectorId,
      OR: [{ refreshingUntil: null }, { refreshingUntil: { lte: now } }],
    },
    data: { refreshingUntil: new Date(now.getTime() + options.leaseMs) },
  });
  return result.count === 1;
}

/**
 * Ends a claim: with `groups`, stores what the upstream answered (and the new sealed connector
 * data, when there is one); without, only releases the claim (the upstream was not reachable).
 * @example await finishOfflineSessionRefresh(prisma, { userId, connectorId, groups, connectorData });
 */
export async function finishOfflineSessionRefresh(
  prisma: PrismaDb,
  options: OfflineSessionKey & { groups?: readonly string[]; connectorData?: string; now?: Date },
): Promise<void> {
  const data =
    options.groups === undefined
      ? { refreshingUntil: null }
      : {
          refreshingUntil: null,
          groups: JSON.stringify(options.groups),
          refreshedAt: options.now ?? new Date(),
          ...(options.connectorData === undefined ? {} : { connectorData: options.connectorData }),
        };
  await prisma.offlineSession.updateMany({ where: { userId: options.userId, connectorId: options.connectorId }, data });
}

/**
 * Forgets a user's offline session at a connector (the user is gone upstream).
 * @example await deleteOfflineSession(prisma, { userId, connectorId: 'ldap' });
 */
export async function deleteOfflineSession(prisma: PrismaDb, key: OfflineSessionKey): Promise<void> {
  await prisma.offlineSession.deleteMany({ where: key });
}
