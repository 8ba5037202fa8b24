import { describe, expect, it } from 'vitest';
import { checkLinkClaims, passwordFingerprint } from './link-claims.ts';

const NOW = 1_800_000_000_000;
const claims = (extra: Record<string, unknown> = {}) => ({
  iss: 'https://id.example/dex',
  sub: 'user-1',
  aud: 'app',
  purpose: 'reset-password',
  email: 'ann@example.com',
  pwd: 'abc',
  iat: NOW / 1000 - 10,
  exp: NOW / 1000 + 3600,
  jti: 'j',
  ...extra,
});

describe('account link claims', () => {
  it('accepts a live link of an expected purpose', () => {
    const checked = checkLinkClaims(claims(), { purposes: ['reset-password', 'invite'], now: NOW });
    expect(checked).toMatchObject({ ok: true, claims: { sub: 'user-1', purpose: 'reset-password', pwd: 'abc' } });
  });

  it('refuses another purpose, an expired link and a malformed one', () => {
    expect(checkLinkClaims(claims(), { purposes: ['verify-email'], now: NOW })).toEqual({ ok: false, problem: 'wrong_purpose' });
    expect(checkLinkClaims(claims({ exp: NOW / 1000 }), { purposes: ['reset-password'], now: NOW })).toEqual({
      ok: false,
      problem: 'expired',
    });
    expect(checkLinkClaims(claims({ purpose: 'admin' }), { purposes: ['reset-password'], now: NOW })).toEqual({
      ok: false,
      problem: 'invalid',
    });
    expect(checkLinkClaims(claims({ sub: 7 }), { purposes: ['reset-password'], now: NOW })).toEqual({ ok: false, problem: 'invalid' });
  });

  it('fingerprints change with the password hash and reveal nothing of it', () => {
    const a = passwordFingerprint('$scrypt$ln=15,r=8,p=1$salt$hash');
    expect(a).not.toBe(passwordFingerprint('$scrypt$ln=15,r=8,p=1$salt$other'));
    expect(a).not.toBe(passwordFingerprint(null));
    expect(a).not.toContain('hash');
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
