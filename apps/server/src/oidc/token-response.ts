import { OAuthError } from '@dex/shared/errors';
import { type AuthSessionRecord, issueRefreshToken, revokeIds } from '@dex/shared/domain/auth';
import type { ActiveSigningKey } from '@dex/shared/domain/keys';
import { findUserById, type UserRecord } from '@dex/shared/domain/users';
import type { AccessTokenFormat } from './access-tokens.ts';
import type { GrantDeps } from './grants/grant.ts';
import { signIdToken } from './id-tokens.ts';
import type { KeyCache } from './key-cache.ts';

/** The key that signs now; none yet (a fresh deployment before the overlord ran) is a 503. */
export async function activeKey(keys: KeyCache): Promise<ActiveSigningKey> {
  const keySet = await keys.get();
  if (keySet.active === null) throw new OAuthError('temporarily_unavailable', 'no signing key is available yet');
  return keySet.active;
}

/** What a user grant issues tokens for. */
export interface UserGrant {
  user: UserRecord;
  clientId: string;
  scopes: readonly string[];
  /** The grant the tokens come from (the access token's `gid`), revocable as a whole. */
  grantId: string;
  nonce?: string | null;
  authTime: Date | null;
  refreshToken?: string;
  /** The client's access token format, and the RFC 8707 `resource` (a JWT whose `aud` it is). */
  accessTokenFormat: AccessTokenFormat;
  resource?: string;
  /** The `groups` claim, when the `groups` scope was granted. */
  groups?: readonly string[];
}

/**
 * The token response of a user grant (RFC 6749 §5.1, OIDC Core §3.1.3.3): the access token,
 * the ID token and, with `offline_access`, the refresh token.
 * @example return userTokenResponse(deps, { user, clientId, scopes, grantId, authTime });
 */
export async function userTokenResponse(deps: GrantDeps, grant: UserGrant): Promise<Record<string, unknown>> {
  const now = Date.now();
  const key = await activeKey(deps.keys);
  const accessToken = await deps.accessTokens.issue({
    format: grant.accessTokenFormat,
    key,
    subject: grant.user.id,
    clientId: grant.clientId,
    scopes: grant.scopes,
    ...(grant.resource === undefined ? {} : { audience: grant.resource }),
    gid: grant.grantId,
    ttlMs: deps.idTokenTtlMs,
    now,
  });
  const idToken = await signIdToken({
    issuer: deps.issuer,
    key,
    user: grant.user,
    clientId: grant.clientId,
    scopes: grant.scopes,
    accessToken,
    ...(grant.nonce === undefined ? {} : { nonce: grant.nonce }),
    authTime: grant.authTime,
    ...(grant.groups === undefined ? {} : { groups: grant.groups }),
    ttlMs: deps.idTokenTtlMs,
    now,
  });
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: Math.floor(deps.idTokenTtlMs / 1000),
    id_token: idToken,
    scope: grant.scopes.join(' '),
    ...(grant.refreshToken === undefined ? {} : { refresh_token: grant.refreshToken }),
  };
}

/**
 * The tokens of a completed login (an identified authorization session) for its client: the
 * code exchange's and the device flow's. The user must still exist and be enabled; with
 * `offline_access` a refresh token family starts, tied to the session (a replayed code or a
 * revocation ends it). The access token takes the client's format, or is a JWT for the RFC 8707
 * `resource` when one was asked for.
 * @example return loginTokenResponse(deps, found.session, client, resource);
 */
export async function loginTokenResponse(
  deps: GrantDeps,
  session: AuthSessionRecord,
  client: { id: string; accessTokenFormat: AccessTokenFormat },
  resource?: string,
): Promise<Record<string, unknown>> {
  const clientId = client.id;
  const user = session.userId === null ? null : await findUserById(deps.prisma, session.userId);
  if (user === null || user.disabled) throw new OAuthError('invalid_grant', 'the user is unknown or disabled');
  const refreshToken = session.scopes.includes('offline_access')
    ? await issueRefreshToken(deps.prisma, {
        userId: user.id,
        clientId,
        connectorId: session.connectorId ?? '',
        scopes: session.scopes,
        authSessionId: session.id,
        ...(session.authTime === null ? {} : { authTime: session.authTime }),
        ttlMs: deps.refreshTokenTtlMs,
      })
    : undefined;
  return userTokenResponse(deps, {
    user,
    clientId,
    scopes: session.scopes,
    grantId: session.id,
    nonce: session.nonce,
    ...(session.scopes.includes('groups') ? { groups: session.identity?.groups ?? [] } : {}),
    authTime: session.authTime,
    ...(refreshToken === undefined ? {} : { refreshToken }),
    accessTokenFormat: client.accessTokenFormat,
    ...(resource === undefined ? {} : { resource }),
  });
}

/**
 * Revokes the access tokens of grants (by their `gid`): every one issued so far expires
 * within the access token lifetime, so the revocation need not outlive it.
 */
export async function revokeGrantAccessTokens(deps: GrantDeps, grantIds: readonly string[]): Promise<void> {
  await revokeIds(deps.prisma, grantIds, new Date(Date.now() + deps.idTokenTtlMs));
}
