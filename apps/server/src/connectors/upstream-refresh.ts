import * as oidc from 'openid-client';
import { identityFromClaims, MissingClaimError, needsUserinfo, type OidcClaimRules } from './oidc-identity.ts';
import type { RefreshData, RefreshedIdentity } from './types.ts';

/** What an `oidc` connector keeps after a login that got an upstream refresh token. */
export function upstreamRefreshData(tokens: { refresh_token?: string | undefined }, subject: string): RefreshData | undefined {
  return tokens.refresh_token === undefined || tokens.refresh_token === ''
    ? undefined
    : { refreshToken: tokens.refresh_token, sub: subject };
}

/**
 * Whether the upstream refused the refresh token itself (RFC 6749 §5.2 `invalid_grant`: expired,
 * revoked, its user gone), as opposed to failing to answer: only this ends the dex session.
 */
function isRefusal(error: unknown): boolean {
  return (error instanceof oidc.ResponseBodyError && error.error === 'invalid_grant') || error instanceof MissingClaimError;
}

/**
 * The `oidc` connector's refresh (dex v2's OIDC `Refresh`): redeems the upstream refresh token
 * the login got (`grant_type=refresh_token` at the upstream's token endpoint), and reads the
 * groups again from the new ID token, or from userinfo for what it lacks. The upstream's new
 * refresh token, when it rotates them, replaces the old one. A refusal (`invalid_grant`: the
 * token revoked or expired, the account removed), another subject, or a required claim gone is
 * `gone`; an upstream that cannot be reached, or answers anything else, rejects.
 * @example const refreshed = await refreshUpstreamIdentity(config, await discovery.get(), data);
 */
export async function refreshUpstreamIdentity(
  rules: OidcClaimRules,
  upstream: oidc.Configuration,
  data: RefreshData,
): Promise<RefreshedIdentity> {
  const { refreshToken, sub } = data;
  if (refreshToken === undefined || sub === undefined) return { status: 'gone', reason: 'the login got no upstream refresh token' };
  try {
    const tokens = await oidc.refreshTokenGrant(upstream, refreshToken);
    const claims = tokens.claims();
    if (claims !== undefined && claims.sub !== sub) return { status: 'gone', reason: 'the upstream answered for another subject' };
    const idToken = claims ?? { sub };
    const hasUserinfo = upstream.serverMetadata().userinfo_endpoint !== undefined;
    const userinfo =
      hasUserinfo && (claims === undefined || needsUserinfo(rules, idToken))
        ? await oidc.fetchUserInfo(upstream, tokens.access_token, sub)
        : undefined;
    const identity = identityFromClaims(rules, idToken, userinfo);
    const next = upstreamRefreshData(tokens, sub);
    return { status: 'ok', groups: identity.groups ?? [], ...(next === undefined ? {} : { data: next }) };
  } catch (error) {
    if (isRefusal(error)) {
      return {
        status: 'gone',
        reason: error instanceof oidc.ResponseBodyError ? `the upstream refused the refresh: ${error.error}` : String(error),
      };
    }
    throw error;
  }
}
