import type { PrismaDb } from '@dex/shared/db';
import { type ClientRecord, findClient } from '@dex/shared/domain/clients';
import { findUserById, type UserRecord } from '@dex/shared/domain/users';
import type { AccessTokenClaims } from './tokens.ts';

/**
 * Who an access token speaks for: a user (authorization code and refresh grants) or, for
 * client-credentials tokens (`sub` = client id, no user), the client itself.
 */
export type AccessTokenSubject = { kind: 'user'; user: UserRecord } | { kind: 'client'; client: ClientRecord };

/**
 * The live subject of a verified access token: null when its user is unknown or disabled,
 * or (client-credentials tokens) its client was deleted. A token outlives neither.
 * @example const subject = await findAccessTokenSubject(prisma, claims);
 */
export async function findAccessTokenSubject(prisma: PrismaDb, claims: AccessTokenClaims): Promise<AccessTokenSubject | null> {
  const user = await findUserById(prisma, claims.sub);
  if (user !== null) return user.disabled ? null : { kind: 'user', user };
  if (claims.sub !== claims.clientId) return null;
  const client = await findClient(prisma, claims.clientId);
  return client === null ? null : { kind: 'client', client };
}
