import type { UserRecord } from '@dex/shared/domain/users';

/** The user claims the worker knows, by the scope that releases them (OIDC Core §5.4). */
export const SCOPE_CLAIMS = {
  profile: ['name', 'preferred_username'],
  email: ['email', 'email_verified'],
  groups: ['groups'],
} as const;

/**
 * The claims about a user that the granted scopes release, for the ID token and userinfo
 * alike: with `profile`, `name` (the display name) and `preferred_username` (the email the
 * user logs in with: dex names its users by it); with `email`, `email` and `email_verified`;
 * with `groups`, the groups the connector reported at login. `openid` alone releases nothing
 * but `sub`. Empty values are left out rather than sent as empty strings.
 * @example Object.assign(claims, scopeClaims(user, ['openid', 'email']));
 */
export function scopeClaims(user: UserRecord, scopes: readonly string[], groups?: readonly string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  if (scopes.includes('profile')) {
    if (user.displayName !== '') claims.name = user.displayName;
    if (user.email !== '') claims.preferred_username = user.email;
  }
  if (scopes.includes('email') && user.email !== '') {
    claims.email = user.email;
    claims.email_verified = user.emailVerified;
  }
  if (scopes.includes('groups')) claims.groups = [...(groups ?? [])];
  return claims;
}
