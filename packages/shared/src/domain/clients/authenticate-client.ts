import { safeEqual, sha256Hex } from '#crypto/index.ts';
import type { PrismaDb } from '#db/create-database.ts';
import type { ClientSummary } from './types.ts';

const NO_CLIENT_HASH = sha256Hex('no client');

/**
 * Checks a client id and secret. Returns the client, or null for an unknown client or a
 * wrong secret (callers answer both with the same `invalid_client`). The comparison is
 * timing-safe. Only the client's own columns are read: this runs on every token request.
 * @example const client = await authenticateClient(db.prisma, { id, secret });
 */
export async function authenticateClient(prisma: PrismaDb, credentials: { id: string; secret: string }): Promise<ClientSummary | null> {
  const row = await prisma.client.findUnique({
    where: { id: credentials.id },
    select: { id: true, name: true, admin: true, public: true, secretHash: true },
  });
  const matches = safeEqual(sha256Hex(credentials.secret), row?.secretHash ?? NO_CLIENT_HASH);
  if (row === null || row.secretHash === null || !matches) return null;
  return { id: row.id, name: row.name, admin: row.admin, public: row.public };
}
