import type { PrismaDb } from '#db/create-database.ts';
import { AppError, prismaErrorCode } from '#errors/index.ts';
import { CLIENT_INCLUDE, type ClientRow } from './types.ts';

/** Attempts before a change gives up on a client that other writers keep changing. */
const MAX_ATTEMPTS = 10;

/** The condition a guarded write puts on the client: still as it was read. */
export interface ClientGuard {
  id: string;
  updatedAt: Date;
}

/**
 * Changes a client with an optimistic compare-and-set instead of a transaction that reads and
 * then writes: the client is read first, outside any transaction, and `write` applies the
 * change in one statement (or one batch) whose write of the client row is guarded by
 * `where: guard` and sets `updatedAt` to the `updatedAt` it is given. When another writer
 * changed or deleted the client in between, the guarded write matches no row: `write` returns
 * null (an `updateMany` that counted 0) or Prisma throws P2025 (an `update` or `delete`; a
 * batch rolls back), and the change starts again from a fresh read. So the database's write
 * lock is held only while the writes run, never while a process reads, checks, or (a `dexctl`
 * that just started) prepares its queries.
 *
 * Every change moves `updatedAt` forward by at least a millisecond, so two changes in the same
 * millisecond still differ and the guard stays exact.
 * Throws NOT_FOUND for an unknown (or meanwhile deleted) client, CONFLICT after
 * {@link MAX_ATTEMPTS} lost races.
 * @example await changeClient(prisma, id, (row, guard, updatedAt) => prisma.client.update({ where: guard, data: { name, updatedAt } }));
 */
export async function changeClient<T>(
  prisma: PrismaDb,
  id: string,
  write: (row: ClientRow, guard: ClientGuard, updatedAt: Date) => Promise<T | null>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const row = await prisma.client.findUnique({ where: { id }, include: CLIENT_INCLUDE });
    if (row === null) throw new AppError('NOT_FOUND', { message: 'client not found' });
    const updatedAt = new Date(Math.max(Date.now(), row.updatedAt.getTime() + 1));
    let lost: unknown;
    try {
      const result = await write(row, { id, updatedAt: row.updatedAt }, updatedAt);
      if (result !== null) return result;
    } catch (error) {
      if (prismaErrorCode(error) !== 'P2025') throw error;
      lost = error;
    }
    if (attempt >= MAX_ATTEMPTS) {
      throw new AppError('CONFLICT', { message: 'the client kept changing while this change was being made: try again', cause: lost });
    }
  }
}
