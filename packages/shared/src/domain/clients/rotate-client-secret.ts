import { randomToken, sha256Hex } from '#crypto/index.ts';
import type { PrismaDb } from '#db/create-database.ts';
import { AppError } from '#errors/index.ts';
import { changeClient } from './change-client.ts';
import { type ClientRecord, toClientRecord } from './types.ts';

export interface RotateClientSecretOptions {
  id: string;
}

export interface RotatedClientSecret {
  before: ClientRecord;
  after: ClientRecord;
  /** The new secret in clear text; only its hash is stored, so this is the one chance to show it. */
  secret: string;
}

/**
 * Gives a client a new secret (256 random bits, stored as SHA-256, as `createClient` does).
 * The old secret stops working as soon as this returns; the client's refresh tokens stay
 * valid for the holder of the new secret. One guarded UPDATE outside any transaction (see
 * `changeClient`), so the write lock is held for that statement only. Throws NOT_FOUND for an
 * unknown client, BAD_REQUEST for a public one (it has no secret).
 * @example const { secret } = await rotateClientSecret(db.prisma, { id: 'example-app' });
 */
export async function rotateClientSecret(prisma: PrismaDb, options: RotateClientSecretOptions): Promise<RotatedClientSecret> {
  const secret = randomToken(32);
  const secretHash = sha256Hex(secret);
  return changeClient(prisma, options.id, async (row, guard, updatedAt) => {
    if (row.public) throw new AppError('BAD_REQUEST', { message: 'a public client has no secret' });
    const { count } = await prisma.client.updateMany({ where: guard, data: { secretHash, updatedAt } });
    if (count === 0) return null;
    // Exactly what the guarded UPDATE wrote: no read afterwards, which could see a later change.
    return { before: toClientRecord(row), after: toClientRecord({ ...row, secretHash, updatedAt }), secret };
  });
}
