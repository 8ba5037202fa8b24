import { randomToken, sha256Hex } from '#crypto/index.ts';
import type { PrismaDb } from '#db/create-database.ts';
import { AppError } from '#errors/index.ts';
import { CLIENT_INCLUDE, type ClientRecord, toClientRecord } from './types.ts';

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
 * valid for the holder of the new secret. Throws NOT_FOUND for an unknown client.
 * @example const { secret } = await rotateClientSecret(db.prisma, { id: 'example-app' });
 */
export async function rotateClientSecret(prisma: PrismaDb, options: RotateClientSecretOptions): Promise<RotatedClientSecret> {
  const { id } = options;
  const secret = randomToken(32);
  return prisma.$transaction(async (tx) => {
    const row = await tx.client.findUnique({ where: { id }, include: CLIENT_INCLUDE });
    if (row === null) throw new AppError('NOT_FOUND', { message: 'client not found' });
    const updated = await tx.client.update({ where: { id }, data: { secretHash: sha256Hex(secret) }, include: CLIENT_INCLUDE });
    return { before: toClientRecord(row), after: toClientRecord(updated), secret };
  });
}
