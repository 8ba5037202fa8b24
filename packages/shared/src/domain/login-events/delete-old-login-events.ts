import type { PrismaDb } from '#db/create-database.ts';

/** How long login events are kept by default (`--login-events-retention`): 30 days. */
export const DEFAULT_LOGIN_EVENTS_RETENTION_MS = 30 * 24 * 3_600_000;

/**
 * Deletes login events older than the retention, `batchSize` rows per statement so a large
 * backlog never holds a long lock. Returns how many went. Idempotent.
 * @example const deleted = await deleteOldLoginEvents(db.prisma, { retentionMs: DEFAULT_LOGIN_EVENTS_RETENTION_MS });
 */
export async function deleteOldLoginEvents(
  prisma: PrismaDb,
  options: { retentionMs: number; now?: Date; batchSize?: number },
): Promise<number> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.retentionMs);
  const take = options.batchSize ?? 500;
  let total = 0;
  for (;;) {
    const ids = (await prisma.loginEvent.findMany({ where: { at: { lt: cutoff } }, select: { id: true }, take })).map((row) => row.id);
    if (ids.length === 0) return total;
    total += (await prisma.loginEvent.deleteMany({ where: { id: { in: ids } } })).count;
    if (ids.length < take) return total;
  }
}
