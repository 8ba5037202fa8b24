import type { PrismaDb } from '#db/create-database.ts';

/**
 * Records that the access tokens carrying any of `ids` (as their grant id `gid`, or as their
 * `jti`) are revoked, until `until`: by then every token it covers has expired, and the
 * garbage collector may delete the row. Idempotent: revoking an id again keeps the later of
 * the two expiries. One transaction (SQLite's Prisma has no `createMany` with
 * `skipDuplicates`): an upsert per id that leaves an existing row alone, then one update
 * that extends the rows expiring earlier.
 * @example await revokeIds(db.prisma, [session.id], new Date(Date.now() + idTokenTtlMs));
 */
export async function revokeIds(prisma: PrismaDb, ids: readonly string[], until: Date): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  await prisma.$transaction([
    ...unique.map((id) => prisma.revocation.upsert({ where: { id }, create: { id, expiresAt: until }, update: {} })),
    prisma.revocation.updateMany({ where: { id: { in: unique }, expiresAt: { lt: until } }, data: { expiresAt: until } }),
  ]);
}

/**
 * Whether any of `ids` has a revocation that has not expired at `now` (one query).
 * @example if (await isAnyRevoked(db.prisma, [claims.gid, claims.jti])) return null;
 */
export async function isAnyRevoked(prisma: PrismaDb, ids: readonly string[], now = new Date()): Promise<boolean> {
  const present = ids.filter((id) => id !== '');
  if (present.length === 0) return false;
  const row = await prisma.revocation.findFirst({ where: { id: { in: present }, expiresAt: { gt: now } }, select: { id: true } });
  return row !== null;
}
