import type { PrismaDb } from '#db/create-database.ts';
import { deleteExpiredConsoleSessions } from '#domain/console-sessions/index.ts';
import { deleteSilentHeartbeats } from '#domain/heartbeats/list-processes.ts';
import { DEFAULT_LOGIN_EVENTS_RETENTION_MS, deleteOldLoginEvents } from '#domain/login-events/delete-old-login-events.ts';

export interface CollectGarbageOptions {
  now?: Date;
  /** Rows deleted per statement, so a large backlog never holds a long lock (default 500). */
  batchSize?: number;
  /** How long login events are kept (`--login-events-retention`, default 30 days). */
  loginEventsRetentionMs?: number;
}

/** How many rows of each kind one collection deleted. */
export interface GarbageCounts {
  authSessions: number;
  authCodes: number;
  refreshTokens: number;
  browserSessions: number;
  /** Revocations of access tokens and grants whose tokens have all expired. */
  revocations: number;
  /** Expired device authorization requests (RFC 8628), whatever became of them. */
  deviceAuthorizations: number;
  /** Failed-login counters whose window has ended. */
  loginFailures: number;
  /** Heartbeats of processes not heard of for a day. */
  processHeartbeats: number;
  /** Login events older than the retention. */
  loginEvents: number;
  /** Console sessions past their end or idle too long. */
  consoleSessions: number;
}

/** Deletes rows chosen by `select` in batches until none is left; returns how many went. */
async function inBatches(select: () => Promise<string[]>, remove: (ids: string[]) => Promise<number>, batchSize: number): Promise<number> {
  let total = 0;
  for (;;) {
    const ids = await select();
    if (ids.length === 0) return total;
    total += await remove(ids);
    if (ids.length < batchSize) return total;
  }
}

/**
 * Deletes what can no longer be used (dex v0 `db/gc.go`, extended): expired authorization
 * codes and sessions, refresh tokens past their absolute expiry or revoked (rotated ones stay
 * until their family expires: they are how a reuse is recognised), and expired browser
 * sessions, revocations past their expiry (every access token they covered has expired
 * by then), failed-login counters whose window ended, and expired device authorization
 * requests, login events older than their retention, and console sessions past their end or idle too long. Works in batches of `batchSize` rows per statement. Idempotent.
 * @example const counts = await collectGarbage(db.prisma);
 */
export async function collectGarbage(prisma: PrismaDb, options: CollectGarbageOptions = {}): Promise<GarbageCounts> {
  const now = options.now ?? new Date();
  const take = options.batchSize ?? 500;
  const authCodes = await inBatches(
    async () =>
      (await prisma.authCode.findMany({ where: { expiresAt: { lt: now } }, select: { codeHash: true }, take })).map((r) => r.codeHash),
    async (ids) => (await prisma.authCode.deleteMany({ where: { codeHash: { in: ids } } })).count,
    take,
  );
  const authSessions = await inBatches(
    async () => (await prisma.authSession.findMany({ where: { expiresAt: { lt: now } }, select: { id: true }, take })).map((r) => r.id),
    async (ids) => (await prisma.authSession.deleteMany({ where: { id: { in: ids } } })).count,
    take,
  );
  const refreshTokens = await inBatches(
    async () =>
      (
        await prisma.refreshToken.findMany({
          where: { OR: [{ expiresAt: { lt: now } }, { revokedAt: { not: null } }] },
          select: { id: true },
          take,
        })
      ).map((r) => r.id),
    async (ids) => (await prisma.refreshToken.deleteMany({ where: { id: { in: ids } } })).count,
    take,
  );
  const browserSessions = await inBatches(
    async () =>
      (await prisma.browserSession.findMany({ where: { expiresAt: { lt: now } }, select: { idHash: true }, take })).map((r) => r.idHash),
    async (ids) => (await prisma.browserSession.deleteMany({ where: { idHash: { in: ids } } })).count,
    take,
  );
  const revocations = await inBatches(
    async () => (await prisma.revocation.findMany({ where: { expiresAt: { lt: now } }, select: { id: true }, take })).map((r) => r.id),
    async (ids) => (await prisma.revocation.deleteMany({ where: { id: { in: ids } } })).count,
    take,
  );
  const deviceAuthorizations = await inBatches(
    async () =>
      (await prisma.deviceAuthorization.findMany({ where: { expiresAt: { lt: now } }, select: { deviceCodeHash: true }, take })).map(
        (r) => r.deviceCodeHash,
      ),
    async (ids) => (await prisma.deviceAuthorization.deleteMany({ where: { deviceCodeHash: { in: ids } } })).count,
    take,
  );
  const loginFailures = await inBatches(
    async () =>
      (
        await prisma.loginFailure.findMany({ where: { windowEndsAt: { lte: BigInt(now.getTime()) } }, select: { keyHash: true }, take })
      ).map((r) => r.keyHash),
    async (ids) => (await prisma.loginFailure.deleteMany({ where: { keyHash: { in: ids } } })).count,
    take,
  );
  const processHeartbeats = await deleteSilentHeartbeats(prisma, { now });
  const loginEvents = await deleteOldLoginEvents(prisma, {
    retentionMs: options.loginEventsRetentionMs ?? DEFAULT_LOGIN_EVENTS_RETENTION_MS,
    now,
    batchSize: take,
  });
  const consoleSessions = await deleteExpiredConsoleSessions(prisma, { now });
  return {
    authSessions,
    authCodes,
    refreshTokens,
    browserSessions,
    revocations,
    loginFailures,
    deviceAuthorizations,
    processHeartbeats,
    loginEvents,
    consoleSessions,
  };
}
