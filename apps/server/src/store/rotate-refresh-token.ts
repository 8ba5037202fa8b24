import { randomUUID } from 'node:crypto';
import { randomToken, sha256Hex } from '@dex/shared/crypto';
import type { UserRecord } from '@dex/shared/domain/users';
import type { NewRefreshTokenRow, RefreshTokenRow, StoredRefreshToken, TokenStore } from './token-store.ts';

export type RotateRefreshTokenResult =
  /** The token was spent; `token` is its successor, `current` the successor's row. */
  | { status: 'ok'; token: string; current: RefreshTokenRow; user: UserRecord }
  /** Unknown, expired (absolute or idle), revoked, or issued to another client. */
  | { status: 'invalid'; reason: 'unknown' | 'expired' | 'revoked' | 'wrong_client' }
  /** A token that was already rotated came back: its whole family is now revoked. */
  | { status: 'reused'; revoked: number; record: RefreshTokenRow }
  /** The requested scopes exceed the granted ones; the token was not spent. */
  | { status: 'scope_exceeded'; scope: string };

export interface RotateRefreshTokenOptions {
  token: string;
  clientId: string;
  /** A token unused for this long is expired, whatever its absolute expiry. */
  idleTtlMs: number;
  /**
   * How long after its rotation a token may be used again and still get a successor (a
   * sibling of the first one) instead of revoking its family; 0: never.
   */
  reuseIntervalMs: number;
  /** Scopes for the new token: a subset of the granted ones (default: all of them). */
  scopes?: readonly string[];
  /**
   * Runs once the token checked out, before it is spent, and only on its first use (not for a
   * sibling within the reuse window): the refresh grant reads the identity again from its
   * connector here. What it throws propagates and leaves the token unspent.
   */
  beforeSpend?: (row: StoredRefreshToken) => Promise<void>;
  now?: Date;
}

/**
 * The refresh-token rotation rule (RFC 6749 §6 with the OAuth 2.0 Security BCP §4.14): the
 * presented token is spent and a successor of the same family issued, keeping the family's
 * absolute expiry; the spend is a compare-and-set, so two concurrent uses cannot both win.
 * `scopes` may narrow the grant, never widen it. The SQL it runs is the token store's, beside it.
 *
 * Concurrent refreshes (two browser tabs, a reverse proxy's parallel requests) present the
 * same token at once. Within `reuseIntervalMs` of the token's rotation (dex v2's
 * `reuseInterval`) a use that lost the race, or came just after it, gets a sibling: another
 * successor of the same token, in the same family. Only the tokens' hashes are stored, so the
 * first successor itself cannot be given again. The window is the `rotated_at` column, so it
 * holds across workers. After the window, a use of a rotated token is a replay: the whole
 * family is revoked.
 * @example const result = await rotateRefreshToken(store, { token, clientId, idleTtlMs, reuseIntervalMs });
 */
export async function rotateRefreshToken(store: TokenStore, options: RotateRefreshTokenOptions): Promise<RotateRefreshTokenResult> {
  const now = options.now ?? new Date();
  const row = await store.findRefreshToken(sha256Hex(options.token));
  if (row === null) return { status: 'invalid', reason: 'unknown' };
  if (row.clientId !== options.clientId) return { status: 'invalid', reason: 'wrong_client' };
  if (row.revokedAt !== null) return { status: 'invalid', reason: 'revoked' };
  const rotatedSince = new Date(now.getTime() - options.reuseIntervalMs);
  const reusable = options.reuseIntervalMs > 0 && (row.rotatedAt === null || row.rotatedAt >= rotatedSince);
  if (row.rotatedAt !== null && !reusable) return revokeFamily(store, row, now);
  const idleSince = (row.lastUsedAt ?? row.createdAt).getTime();
  if (row.expiresAt.getTime() <= now.getTime() || idleSince + options.idleTtlMs <= now.getTime()) {
    return { status: 'invalid', reason: 'expired' };
  }
  const granted = row.scopes === '' ? [] : row.scopes.split(' ');
  const widened = options.scopes?.find((scope) => !granted.includes(scope));
  if (widened !== undefined) return { status: 'scope_exceeded', scope: widened };
  if (row.rotatedAt === null && options.beforeSpend !== undefined) await options.beforeSpend(row);
  const token = randomToken(32);
  const successor: NewRefreshTokenRow = {
    id: randomUUID(),
    tokenHash: sha256Hex(token),
    familyId: row.familyId,
    parentId: row.id,
    userId: row.userId,
    clientId: row.clientId,
    connectorId: row.connectorId,
    scopes: (options.scopes ?? granted).join(' '),
    authSessionId: row.authSessionId,
    authTime: row.authTime,
    createdAt: now,
    expiresAt: row.expiresAt,
  };
  const stored =
    (row.rotatedAt === null && (await store.spendRefreshToken({ id: row.id, now, successor }))) ||
    (reusable && (await store.addSiblingRefreshToken({ rotatedSince, successor })));
  if (!stored) return revokeFamily(store, row, now);
  return { status: 'ok', token, current: successor, user: row.user };
}

/** A replay: the token's whole family is revoked. */
async function revokeFamily(store: TokenStore, row: RefreshTokenRow, now: Date): Promise<RotateRefreshTokenResult> {
  const revoked = await store.revokeRefreshTokenFamily(row.familyId, now);
  return { status: 'reused', revoked, record: row };
}
