import type { PrismaDb } from '@dex/shared/db';
import { findOfflineSession } from '@dex/shared/domain/auth';

function identityGroups(identity: string | null): string[] {
  if (identity === null) return [];
  const groups: unknown = (JSON.parse(identity) as { groups?: unknown }).groups;
  return Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [];
}

/**
 * A user's groups for a grant: as last read from the connector (the offline session a login
 * with `offline_access` left, which each refresh updates), else what the connector reported
 * at the login the grant started from (its authorization session), else none.
 * @example const groups = await grantGroups(prisma, { userId, connectorId: 'ldap', authSessionId });
 */
export async function grantGroups(
  prisma: PrismaDb,
  grant: { userId: string; connectorId: string; authSessionId: string | null },
): Promise<string[]> {
  const offline = await findOfflineSession(prisma, { userId: grant.userId, connectorId: grant.connectorId });
  if (offline !== null) return offline.groups;
  if (grant.authSessionId === null) return [];
  const row = await prisma.authSession.findUnique({ where: { id: grant.authSessionId }, select: { identity: true } });
  return identityGroups(row?.identity ?? null);
}

/**
 * The groups of an access token's grant (`gid`, an authorization session id), for userinfo:
 * {@link grantGroups} of the session's user and connector; none when the session is gone.
 * @example const groups = await authSessionGroups(prisma, claims.gid);
 */
export async function authSessionGroups(prisma: PrismaDb, authSessionId: string | undefined): Promise<string[]> {
  if (authSessionId === undefined) return [];
  const row = await prisma.authSession.findUnique({
    where: { id: authSessionId },
    select: { identity: true, userId: true, connectorId: true },
  });
  if (row === null) return [];
  if (row.userId === null || row.connectorId === null) return identityGroups(row.identity);
  return grantGroups(prisma, { userId: row.userId, connectorId: row.connectorId, authSessionId });
}
