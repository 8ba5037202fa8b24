import { safeEqual, sha256Hex } from '#crypto/index.ts';
import type { PrismaDb } from '#db/create-database.ts';
import { CLIENT_INCLUDE, type ClientRecord, toClientRecord } from './types.ts';

/**
 * Checks a client id and secret. Returns the client, or null for an unknown client or a
 * wrong secret (callers answer both with the same `invalid_client`). The comparison is
 * timing-safe.
 * @example const client = await authenticateClient(db.prisma, { id, secret });
 */
export async function authenticateClient(prisma: PrismaDb, credentials: { id: string; secret: string }): Promise<ClientRecord | null> {
  const row = await prisma.client.findUnique({ where: { id: credentials.id }, include: CLIENT_INCLUDE });
  const expected = row?.secretHash ?? sha256Hex('no client');
  const matches = safeEqual(sha256Hex(credentials.secret), expected);
  return row !== null && row.secretHash !== null && matches ? toClientRecord(row) : null;
}
