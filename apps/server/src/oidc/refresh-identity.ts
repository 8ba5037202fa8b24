import type { PrismaDb } from '@dex/shared/db';
import { claimOfflineSessionRefresh, findOfflineSession, finishOfflineSessionRefresh } from '@dex/shared/domain/auth';
import { getConnector } from '@dex/shared/domain/connectors';
import { OAuthError } from '@dex/shared/errors';
import type { Logger } from '@dex/shared/logging';
import { openRefreshData, sealRefreshData } from '#connectors/refresh-data-seal.ts';
import type { Connector, RefreshedIdentity } from '#connectors/types.ts';

/** What reading an identity again needs from the worker. */
export interface RefreshIdentityDeps {
  prisma: PrismaDb;
  connectors: { find(id: string): Promise<Connector | undefined> };
  /** `--key-secrets`: open the sealed refresh data (any of them), seal new data (the first). */
  keySecrets: readonly Uint8Array[];
}

/**
 * The outcome: `groups` as read now (or last read, when another refresh is asking), if known;
 * or `gone` when the upstream refused, or the connector itself was deleted (`connectorDeleted`).
 */
export type IdentityRefresh = { status: 'ok'; groups?: string[] } | { status: 'gone'; reason: string; connectorDeleted?: true };

/** How long one refresh may hold the right to ask the upstream (longer than any connector timeout). */
const CLAIM_MS = 30_000;

/**
 * Reads a refreshing user's identity again from the connector it logged in with (dex v2's
 * `refreshWithConnector`), from the offline session that login left: the connector's
 * `refresh` with the opened refresh data, and the groups and new data it returns stored again.
 * Concurrent refreshes for one user and connector (two tabs, two clients, several workers) ask
 * the upstream once: the others get the groups last stored. Connectors that cannot refresh,
 * and logins that left no refresh data, keep the login's identity.
 *
 * An upstream that cannot be asked (unreachable, timed out) is `temporarily_unavailable`
 * (503): the refresh token is not spent, so the client keeps its session and retries, rather
 * than losing it to an outage (dex v2 answers a 500 and the client gives up). Only an
 * upstream's refusal (`gone`) ends the session, and so does the deletion of the connector by
 * an admin (the local one included): the login's identity can no longer be vouched for, so
 * its last groups must not be issued again. A connector still configured but of a type this
 * worker cannot build keeps the login's identity, as before.
 * @example const refreshed = await refreshIdentity(deps, { userId, connectorId }, log);
 */
export async function refreshIdentity(
  deps: RefreshIdentityDeps,
  grant: { userId: string; connectorId: string },
  log: Logger,
): Promise<IdentityRefresh> {
  const connector = await deps.connectors.find(grant.connectorId);
  if (connector === undefined) {
    if ((await getConnector(deps.prisma, { id: grant.connectorId })) !== null) return { status: 'ok' };
    return { status: 'gone', reason: 'the connector was deleted', connectorDeleted: true };
  }
  if (connector.refresh === undefined) return { status: 'ok' };
  const offline = await findOfflineSession(deps.prisma, grant);
  if (offline === null) return { status: 'ok' };
  const data = offline.connectorData === null ? null : openRefreshData(offline.connectorData, deps.keySecrets);
  if (data === null) {
    if (offline.connectorData !== null)
      log.warn({ connectorId: grant.connectorId }, 'connector refresh data cannot be opened with the key secrets');
    return { status: 'ok', groups: offline.groups };
  }
  if (!(await claimOfflineSessionRefresh(deps.prisma, { ...grant, leaseMs: CLAIM_MS }))) return { status: 'ok', groups: offline.groups };
  let refreshed: RefreshedIdentity;
  try {
    refreshed = await connector.refresh(data);
  } catch (error) {
    await finishOfflineSessionRefresh(deps.prisma, grant);
    log.warn(
      { connectorId: grant.connectorId, reason: error instanceof Error ? error.message : String(error) },
      'connector unreachable at refresh',
    );
    throw new OAuthError('temporarily_unavailable', `the identity provider "${grant.connectorId}" cannot be reached; try again later`);
  }
  if (refreshed.status === 'gone') {
    await finishOfflineSessionRefresh(deps.prisma, grant);
    return refreshed;
  }
  await finishOfflineSessionRefresh(deps.prisma, {
    ...grant,
    groups: refreshed.groups,
    ...(refreshed.data === undefined ? {} : { connectorData: sealRefreshData(refreshed.data, deps.keySecrets) }),
  });
  return { status: 'ok', groups: refreshed.groups };
}
