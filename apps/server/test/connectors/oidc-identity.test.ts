import { describe, expect, it } from 'vitest';
import { identityFromClaims, MissingClaimError, needsUserinfo } from '../../src/connectors/oidc-identity.ts';

describe('oidc connector: claims to identity (OIDC Core §5.1, dex v0 emailClaim)', () => {
  const full = { sub: 'u1', email: 'Ann@Example.com', email_verified: true, name: 'Ann', preferred_username: 'ann' };

  it('reads sub, email, email_verified, name and preferred_username from the ID token', () => {
    expect(identityFromClaims({}, full)).toEqual({
      id: 'u1',
      email: 'Ann@Example.com',
      emailVerified: true,
      name: 'Ann',
      preferredUsername: 'ann',
    });
    expect(needsUserinfo({}, full)).toBe(false);
  });

  it('takes email_verified from upstream unless the provider is trusted', () => {
    const unverified = { ...full, email_verified: false };
    expect(identityFromClaims({}, unverified).emailVerified).toBe(false);
    expect(identityFromClaims({}, { sub: 'u1', email: 'a@example.com' }).emailVerified).toBe(false);
    expect(identityFromClaims({}, { ...full, email_verified: 'true' }).emailVerified).toBe(true);
    expect(identityFromClaims({ trustedEmailProvider: true }, unverified).emailVerified).toBe(true);
  });

  it('falls back to userinfo for what the ID token lacks, keeping the ID token subject', () => {
    const idToken = { sub: 'u1' };
    expect(needsUserinfo({}, idToken)).toBe(true);
    expect(identityFromClaims({}, idToken, { sub: 'u1', email: 'a@example.com', email_verified: true, name: 'A' })).toEqual({
      id: 'u1',
      email: 'a@example.com',
      emailVerified: true,
      name: 'A',
    });
    // email_verified comes from the response the email came from.
    expect(identityFromClaims({}, { sub: 'u1', email: 'a@example.com' }, { sub: 'u1', email_verified: true }).emailVerified).toBe(false);
  });

  it('uses preferred_username as the name when there is no name', () => {
    expect(identityFromClaims({}, { sub: 'u1', preferred_username: 'ann' }).name).toBe('ann');
    expect(needsUserinfo({}, { sub: 'u1', email: 'a@example.com', preferred_username: 'ann' })).toBe(false);
  });

  it('copies emailClaim into email and fails when it is missing (v0)', () => {
    const rules = { emailClaim: 'mail' };
    const identity = identityFromClaims(rules, { sub: 'u1', mail: 'a@example.com', email: 'other@example.com', email_verified: true });
    // The upstream vouched for `email`, not for `mail`.
    expect(identity).toMatchObject({ email: 'a@example.com', emailVerified: false });
    expect(() => identityFromClaims(rules, { sub: 'u1', email: 'other@example.com' })).toThrow(MissingClaimError);
    expect(() => identityFromClaims(rules, { sub: 'u1' })).toThrow('"mail"');
    expect(identityFromClaims({ emailClaim: 'email' }, { sub: 'u1' })).toEqual({ id: 'u1' });
  });

  it('reads mapped claim names (claimMapping); emailClaim wins over claimMapping.email', () => {
    const rules = { claimMapping: { email: 'mail', name: 'display_name', preferred_username: 'login' } };
    expect(identityFromClaims(rules, { sub: 'u1', mail: 'a@example.com', display_name: 'Ann', login: 'ann', name: 'x' })).toEqual({
      id: 'u1',
      email: 'a@example.com',
      emailVerified: false,
      name: 'Ann',
      preferredUsername: 'ann',
    });
    expect(identityFromClaims({ ...rules, emailClaim: 'upn' }, { sub: 'u1', upn: 'u@example.com', mail: 'a@example.com' }).email).toBe(
      'u@example.com',
    );
  });

  it('puts the groups claim into groups (an array or a single string)', () => {
    expect(identityFromClaims({ groupsClaim: 'groups' }, { sub: 'u1', groups: ['admins', 7, 'dev'] }).groups).toEqual(['admins', 'dev']);
    expect(identityFromClaims({ groupsClaim: 'roles' }, { sub: 'u1' }, { sub: 'u1', roles: 'admin' }).groups).toEqual(['admin']);
    expect(identityFromClaims({ groupsClaim: 'groups' }, { sub: 'u1' }).groups).toBeUndefined();
    expect(needsUserinfo({ groupsClaim: 'groups' }, full)).toBe(true);
  });
});
