import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, INSECURE_TEST_HASHING, needsRehash, unusablePasswordHash, verifyPassword } from './password.ts';

/** A hash in the earlier format (N=2^15, r=8, p=1), as databases made before it changed hold. */
function earlierHash(password: string): string {
  const salt = Buffer.from('0123456789abcdef');
  const key = scryptSync(password, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 2 ** 20 });
  return `$scrypt$ln=15,r=8,p=1$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

describe('password hashes', () => {
  it('are scrypt at one of OWASP minimums (N=2^15, r=8, p=3) with a fresh salt each time', async () => {
    const [a, b] = await Promise.all([hashPassword('correct horse'), hashPassword('correct horse')]);
    expect(a).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horsE', a)).toBe(false);
    expect(needsRehash(a)).toBe(false);
  });

  it('made with the earlier parameters still verify, and are marked for a rehash', async () => {
    const stored = earlierHash('battery staple');
    expect(await verifyPassword('battery staple', stored)).toBe(true);
    expect(await verifyPassword('battery stapler', stored)).toBe(false);
    expect(needsRehash(stored)).toBe(true);
  });

  it('made at test strength only while a test suite asks for it, and replaced at the next login of a normal process', async () => {
    const flags = globalThis as Record<symbol, unknown>;
    flags[INSECURE_TEST_HASHING] = true;
    let testHash: string;
    try {
      testHash = await hashPassword('correct horse');
      expect(testHash).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$/);
      expect(unusablePasswordHash()).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$/);
      expect(needsRehash(testHash)).toBe(false);
    } finally {
      delete flags[INSECURE_TEST_HASHING];
    }
    expect(await verifyPassword('correct horse', testHash)).toBe(true);
    expect(needsRehash(testHash)).toBe(true);
    expect(unusablePasswordHash()).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$/);
    expect(await hashPassword('correct horse')).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$/);
  });

  it('never verify when malformed', async () => {
    expect(await verifyPassword('x', '$scrypt$ln=15,r=8,p=3$short')).toBe(false);
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
    expect(needsRehash('plain-text')).toBe(true);
  });

  it('of many logins at once all verify (they wait for memory, not fail)', async () => {
    const stored = await hashPassword('many at once');
    const results = await Promise.all(Array.from({ length: 6 }, () => verifyPassword('many at once', stored)));
    expect(results).toEqual(Array(6).fill(true));
  }, 60_000);
});
