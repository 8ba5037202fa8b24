import type { PrismaDb } from '#db/create-database.ts';
import { prismaErrorCode } from '#errors/index.ts';

export interface LeaseOptions {
  /** What the lease is for (`overlord-jobs`). */
  name: string;
  /** Who asks (a random id per overlord process). */
  holder: string;
  ttlMs: number;
  now?: Date;
}

/**
 * Takes or renews a lease: succeeds when nobody holds it, when the caller already does, or
 * when the holder let it expire (a dead leader). One conditional UPDATE (or the first INSERT)
 * decides, so two processes can never both hold it, on SQLite or PostgreSQL.
 * @returns whether the caller holds the lease until `now + ttlMs`.
 * @example if (await acquireLease(db.prisma, { name: 'overlord-jobs', holder: id, ttlMs: 15_000 })) runJobs();
 */
export async function acquireLease(prisma: PrismaDb, options: LeaseOptions): Promise<boolean> {
  const now = options.now ?? new Date();
  const expiresAt = new Date(now.getTime() + options.ttlMs);
  const taken = await prisma.lease.updateMany({
    where: { name: options.name, OR: [{ holder: options.holder }, { expiresAt: { lt: now } }] },
    data: { holder: options.holder, expiresAt },
  });
  if (taken.count === 1) return true;
  try {
    await prisma.lease.create({ data: { name: options.name, holder: options.holder, expiresAt } });
    return true;
  } catch (error) {
    if (prismaErrorCode(error) === 'P2002') return false;
    throw error;
  }
}

/**
 * Gives a lease up (a clean shutdown), so a standby takes over at once.
 * @example await releaseLease(db.prisma, { name: 'overlord-jobs', holder: id });
 */
export async function releaseLease(prisma: PrismaDb, options: { name: string; holder: string }): Promise<void> {
  await prisma.lease.deleteMany({ where: { name: options.name, holder: options.holder } });
}
