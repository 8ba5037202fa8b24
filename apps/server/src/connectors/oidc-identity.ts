import type { ConnectorIdentity } from '@dex/shared/domain/auth';

/** The parts of an `oidc` connector config that say how upstream claims become an identity. */
export interface OidcClaimRules {
  /** Every new user's email counts as verified (v0 `trustedEmailProvider`). */
  trustedEmailProvider?: boolean | undefined;
  /** v0: copy this claim into `email`; the login fails when it is missing. */
  emailClaim?: string | undefined;
  groupsClaim?: string | undefined;
  claimMapping?: { preferred_username?: string | undefined; email?: string | undefined; name?: string | undefined } | undefined;
}

/** An upstream identity: what every connector gives, plus what only upstream providers know. */
export interface UpstreamIdentity extends ConnectorIdentity {
  preferredUsername?: string;
  groups?: string[];
}

type Claims = Readonly<Record<string, unknown>>;

/** A claim the connector config requires is missing upstream (v0 `emailClaim`). */
export class MissingClaimError extends Error {
  readonly claim: string;
  constructor(claim: string) {
    super(`the upstream provider sent no "${claim}" claim`);
    this.name = 'MissingClaimError';
    this.claim = claim;
  }
}

/** The claim names to read, after `emailClaim` and `claimMapping`. */
function claimNames(rules: OidcClaimRules) {
  const requiredEmail = rules.emailClaim !== undefined && rules.emailClaim !== 'email' ? rules.emailClaim : undefined;
  return {
    email: requiredEmail ?? rules.claimMapping?.email ?? 'email',
    requiredEmail,
    name: rules.claimMapping?.name ?? 'name',
    preferredUsername: rules.claimMapping?.preferred_username ?? 'preferred_username',
    groups: rules.groupsClaim,
  };
}

const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/**
 * Whether the ID token lacks something the identity is made of (email, a name, the groups),
 * so the userinfo endpoint is worth asking.
 * @example needsUserinfo({}, { sub: 'u1', email: 'a@example.com' }) // true: no name
 */
export function needsUserinfo(rules: OidcClaimRules, idToken: Claims): boolean {
  const names = claimNames(rules);
  return (
    !nonEmptyString(idToken[names.email]) ||
    (!nonEmptyString(idToken[names.name]) && !nonEmptyString(idToken[names.preferredUsername])) ||
    (names.groups !== undefined && idToken[names.groups] === undefined)
  );
}

/**
 * Makes the identity from the ID token's claims, falling back to the userinfo response's for
 * what the ID token lacks (the subject is the ID token's: the caller checked that userinfo's
 * `sub` matches). `emailVerified` is true for a trusted provider; otherwise it is the
 * upstream `email_verified` of the same response the email came from, and only when the
 * email is the standard `email` claim (a provider vouches for nothing else).
 * @throws MissingClaimError when the config's `emailClaim` is missing from both.
 * @example identityFromClaims({ trustedEmailProvider: true }, { sub: 'u1', email: 'a@example.com' }) // { id: 'u1', email: 'a@example.com', emailVerified: true }
 */
export function identityFromClaims(rules: OidcClaimRules, idToken: Claims, userinfo?: Claims): UpstreamIdentity {
  const names = claimNames(rules);
  const sources = userinfo === undefined ? [idToken] : [idToken, userinfo];
  const text = (name: string): string | undefined => {
    for (const source of sources) {
      const value = source[name];
      if (nonEmptyString(value)) return value.trim();
    }
    return undefined;
  };

  const identity: UpstreamIdentity = { id: String(idToken.sub) };
  const emailSource = sources.find((source) => nonEmptyString(source[names.email]));
  if (emailSource === undefined && names.requiredEmail !== undefined) throw new MissingClaimError(names.requiredEmail);
  if (emailSource !== undefined) {
    identity.email = String(emailSource[names.email]).trim();
    const vouched = emailSource.email_verified;
    identity.emailVerified = rules.trustedEmailProvider === true || (names.email === 'email' && (vouched === true || vouched === 'true'));
  }
  const name = text(names.name);
  const preferredUsername = text(names.preferredUsername);
  if (name !== undefined || preferredUsername !== undefined) identity.name = name ?? preferredUsername;
  if (preferredUsername !== undefined) identity.preferredUsername = preferredUsername;
  if (names.groups !== undefined) {
    const groupsName = names.groups;
    const value = sources.map((source) => source[groupsName]).find((candidate) => candidate !== undefined);
    if (Array.isArray(value)) identity.groups = value.filter(nonEmptyString);
    else if (nonEmptyString(value)) identity.groups = [value];
  }
  return identity;
}
