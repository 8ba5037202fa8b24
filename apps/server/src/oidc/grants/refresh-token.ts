import { refreshTokenGrantId, revokeUserRefreshTokens } from '@dex/shared/domain/auth';
import { OAuthError } from '@dex/shared/errors';
import { param, requiredParam } from '#http/params.ts';
import { rotateRefreshToken } from '#store/rotate-refresh-token.ts';
import { resourceParam } from '../checks/check-resource.ts';
import { requireClient } from '../client-auth.ts';
import { grantGroups } from '../grant-groups.ts';
import { type IdentityRefresh, refreshIdentity } from '../refresh-identity.ts';
import { revokeGrantAccessTokens, userTokenResponse } from '../token-response.ts';
import type { Grant } from './grant.ts';

/**
 * `grant_type=refresh_token` (RFC 6749 §6): the token rotates on every use; presenting a
 * rotated token (after `--refresh-token-reuse-interval`, which concurrent refreshes get) revokes its whole family and the access tokens of its grant; `scope` may
 * narrow but never widen; a disabled user's tokens stop working (and are revoked).
 *
 * Groups on refresh (dex v2): before a token is spent the first time, the identity is read
 * again from its connector (`refreshIdentity`: the LDAP entry searched again, the upstream
 * refresh token redeemed). A user the upstream no longer knows or refuses loses the refresh:
 * `invalid_grant`, and the family and its access tokens are revoked; so does a user whose
 * connector an admin deleted (the login's last groups are not issued again). The new ID token carries
 * the groups as read now.
 */
export const refreshToken: Grant = async (req, deps, log) => {
  const { client } = await requireClient(deps.store, req, { allowNone: true });
  const token = requiredParam(req.form, 'refresh_token');
  const resource = resourceParam(req);
  const requested = param(req.form, 'scope')
    ?.split(' ')
    .filter((s) => s !== '');
  let refreshed: IdentityRefresh = { status: 'ok' };
  const result = await rotateRefreshToken(deps.store, {
    token,
    clientId: client.id,
    idleTtlMs: deps.refreshTokenIdleTtlMs,
    reuseIntervalMs: deps.refreshTokenReuseIntervalMs,
    ...(requested === undefined ? {} : { scopes: requested }),
    beforeSpend: async (row) => {
      if (row.user.disabled) return;
      refreshed = await refreshIdentity(deps, { userId: row.userId, connectorId: row.connectorId }, log);
      if (refreshed.status === 'ok') return;
      const revoked = await deps.store.revokeRefreshTokenFamily(row.familyId, new Date());
      await revokeGrantAccessTokens(deps, [refreshTokenGrantId(row)]);
      log.info(
        { clientId: client.id, connectorId: row.connectorId, reason: refreshed.reason, revoked },
        refreshed.connectorDeleted
          ? 'the login’s connector was deleted; family revoked'
          : 'the upstream refused the refresh; family revoked',
      );
      throw new OAuthError(
        'invalid_grant',
        refreshed.connectorDeleted
          ? `the identity provider "${row.connectorId}" this login came from was removed`
          : 'the user is no longer known to, or was refused by, the identity provider',
      );
    },
  });
  if (result.status === 'reused') {
    await revokeGrantAccessTokens(deps, [refreshTokenGrantId(result.record)]);
    log.warn({ clientId: client.id, revoked: result.revoked }, 'rotated refresh token reused; its family and access tokens are revoked');
    throw new OAuthError('invalid_grant', 'the refresh token was already used');
  }
  if (result.status === 'scope_exceeded') throw new OAuthError('invalid_scope', `scope exceeds what was granted: ${result.scope}`);
  if (result.status === 'invalid') {
    throw new OAuthError('invalid_grant', result.reason === 'expired' ? 'the refresh token expired' : 'the refresh token is invalid');
  }
  const { user, current } = result;
  if (user.disabled) {
    await revokeUserRefreshTokens(deps.prisma, user.id);
    throw new OAuthError('invalid_grant', 'the user is unknown or disabled');
  }
  const scopes = current.scopes === '' ? [] : current.scopes.split(' ');
  const groups = scopes.includes('groups')
    ? ((refreshed.status === 'ok' ? refreshed.groups : undefined) ?? (await grantGroups(deps.prisma, current)))
    : undefined;
  return userTokenResponse(deps, {
    user,
    clientId: client.id,
    scopes,
    grantId: refreshTokenGrantId(current),
    authTime: current.authTime,
    ...(groups === undefined ? {} : { groups }),
    ...(scopes.includes('offline_access') ? { refreshToken: result.token } : {}),
    accessTokenFormat: client.accessTokenFormat,
    ...(resource === undefined ? {} : { resource }),
  });
};
