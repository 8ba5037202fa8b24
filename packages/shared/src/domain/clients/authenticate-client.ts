import { safeEqual, sha256Hex } from '#crypto/index.ts';
import type { PrismaDb } from '#db/create-database.ts';
import { type ClientSummary, toAccessTokenFormat } from './types.ts';

/** What the protocol endpoints know of an authenticated client. */
export function toClientSummary(row: ClientCredentialRow): ClientSummary {
  return {
    id: row.id,
    name: row.name,
    admin: row.admin,
    public: row.public,
    accessTokenFormat: toAccessTokenFormat(row.accessTokenFormat),
  };
}

const NO_CLIENT_HASH = sha256Hex('no client');

/** A client's stored columns that authentication reads. */
export interface ClientCredentialRow extends Omit<ClientSummary, 'accessTokenFormat'> {
  /** As stored (see `toAccessTokenFormat`). */
  accessTokenFormat: string;
  /** SHA-256 (hex) of the secret; null for a client without one. */
  secretHash: string | null;
}

/**
 * Compares a presented secret with a client's stored hash, timing-safe, and the same work
 * for an unknown client (`row` null). Returns the client, or null for an unknown client, a
 * client without a secret or a wrong secret.
 * @example const client = verifyClientSecret(row, secret);
 */
export function verifyClientSecret(row: ClientCredentialRow | null, secret: string): ClientSummary | null {
  const matches = safeEqual(sha256Hex(secret), row?.secretHash ?? NO_CLIENT_HASH);
  if (row === null || row.secretHash === null || !matches) return null;
  return toClientSummary(row);
}

/**
 * Checks a client id and secret. Returns the client, or null for an unknown client or a
 * wrong secret (callers answer both with the same `invalid_client`). The comparison is
 * timing-safe. Only the client's own columns are read.
 * @example const client = await authenticateClient(db.prisma, { id, secret });
 */
export async function authenticateClient(prisma: PrismaDb, credentials: { id: string; secret: string }): Promise<ClientSummary | null> {
  const row = await prisma.client.findUnique({
    where: { id: credentials.id },
    select: { id: true, name: true, admin: true, public: true, accessTokenFormat: true, secretHash: true },
  });
  return verifyClientSecret(row, credentials.secret);
}
