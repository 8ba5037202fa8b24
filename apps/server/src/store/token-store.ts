import type { ClientCredentialRow } from '@dex/shared/domain/clients';
import type { UserRecord } from '@dex/shared/domain/users';

/** A refresh token's columns, as the stores read and write them (`scopes` space-separated). */
export interface RefreshTokenRow {
  id: string;
  familyId: string;
  userId: string;
  clientId: string;
  connectorId: string;
  scopes: string;
  /** The auth session the family started from (null for a family issued without one). */
  authSessionId: string | null;
  authTime: Date | null;
  createdAt: Date;
  expiresAt: Date;
}

/** A stored refresh token with its user, as rotation reads it (by the token's hash). */
export interface StoredRefreshToken extends RefreshTokenRow {
  parentId: string | null;
  lastUsedAt: Date | null;
  rotatedAt: Date | null;
  revokedAt: Date | null;
  user: UserRecord;
}

/** The successor a rotation writes: a new token of the same family, with its hash and parent. */
export interface NewRefreshTokenRow extends RefreshTokenRow {
  tokenHash: string;
  parentId: string;
}

/**
 * What the token endpoint reads and writes on every request, as prepared SQL on the driver
 * itself (the Prisma client costs several times the query on this path). One module per
 * provider implements it (`sqlite-token-store.ts`, `pg-token-store.ts`); the SQL there follows
 * prisma/migrations/{sqlite,postgresql}, and test/oidc/token-store.test.ts runs both against
 * migrated databases. The rule that uses it is `rotate-refresh-token.ts`.
 */
export interface TokenStore {
  /** The columns client authentication needs; null for an unknown client. */
  findClientCredentials(id: string): Promise<ClientCredentialRow | null>;
  /** The token whose SHA-256 (hex) is `tokenHash`, with its user; null when unknown. */
  findRefreshToken(tokenHash: string): Promise<StoredRefreshToken | null>;
  /**
   * Marks token `id` rotated (and last used) at `now` only if it is neither rotated nor
   * revoked (a compare-and-set), and stores `successor` in the same commit. Returns false
   * when the set lost to a concurrent use, and then writes nothing: of two concurrent calls
   * for one token, exactly one returns true.
   */
  spendRefreshToken(options: { id: string; now: Date; successor: NewRefreshTokenRow }): Promise<boolean>;
  /**
   * Stores `successor`, a sibling of the token rotated from `successor.parentId`, only if that
   * parent is not revoked and rotated at or after `rotatedSince` (the reuse window): one
   * statement, so a family revoked or a window closed meanwhile writes nothing. Returns
   * whether it was stored.
   */
  addSiblingRefreshToken(options: { rotatedSince: Date; successor: NewRefreshTokenRow }): Promise<boolean>;
  /** Revokes every live token of a family; returns how many. */
  revokeRefreshTokenFamily(familyId: string, now: Date): Promise<number>;
}
