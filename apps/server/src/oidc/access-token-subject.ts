import type { PrismaDb } from '@dex/shared/db';
import { isAnyRevoked } from '@dex/shared/domain/auth';
import { type ClientRecord, findClient } from '@dex/shared/domain/clients';
import { findUserById, type UserRecord } from '@dex/shared/domain/users';
import type { AccessTokenClaims } from './access-tokens.ts';

/**
 * Who an access token speaks for: a user (authorization code and refresh grants) or, for
 * client-credentials tokens (`sub` = client id, no user), the client itself.
 */
export type AccessTokenSubject = { kind: 'user'; user: UserRecord } | { kind: 'client'; client: ClientRecord };

/**
 * The live subject of a verified access token: null when the token was revoked (its grant
 * `gid` or its `jti`, RFC 7009), its user is unknown or disabled, or (client-credentials
 * tokens) its client was deleted. A token outlives none of them. The revocation check and
 * the user lookup run concurrently: one query each.
 * @example const subject = await findAccessTokenSubject(prisma, claims);
 */
export async function findAccessTokenSubject(prisma: PrismaDb, claims: AccessTokenClaims): Promise<AccessTokenSubject | null> {
  const revocable = claims.gid === undefined ? [claims.jti] : [claims.gid, claims.jti];
  const [revoked, user] = await Promise.all([isAnyRevoked(prisma, revocable), findUserById(prisma, claims.sub)]);
  if (revoked) return null;
  if (user !== null) return user.disabled ? null : { kind: 'user', user };
  if (claims.sub !== claims.clientId) return null;
  const client = await findClient(prisma, claims.clientId);
  return client === null ? null : { kind: 'client', client };
}
