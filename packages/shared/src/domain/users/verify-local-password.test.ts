import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testProviders } from '#testing/index.ts';
import { useMigratedDatabase } from '#testing/migrated-database.ts';
import { createUser } from './create-user.ts';
import { verifyLocalPassword } from './verify-local-password.ts';

/** A hash in the format databases made before 3 December 2026 hold (N=2^15, r=8, p=1). */
function earlierHash(password: string): string {
  const salt = Buffer.from('fedcba9876543210');
  const key = scryptSync(password, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 2 ** 20 });
  return `$scrypt$ln=15,r=8,p=1$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

describe.each(testProviders(process.env))('local password logins (%s)', (provider) => {
  const db = useMigratedDatabase(provider);

  it('log in with a hash of the earlier parameters, which is then replaced by one of today', async () => {
    const email = `early-${crypto.randomUUID()}@example.com`;
    const user = await createUser(db.prisma, { email, password: 'placeholder-1' });
    const stored = earlierHash('kept since 2025');
    await db.prisma.passwordCredential.update({ where: { userId: user.id }, data: { passwordHash: stored } });

    expect(await verifyLocalPassword(db.prisma, { email, password: 'wrong one' })).toEqual({ ok: false, reason: 'invalid_credentials' });
    expect((await db.prisma.passwordCredential.findUniqueOrThrow({ where: { userId: user.id } })).passwordHash).toBe(stored);

    expect(await verifyLocalPassword(db.prisma, { email, password: 'kept since 2025' })).toMatchObject({ ok: true });
    const upgraded = (await db.prisma.passwordCredential.findUniqueOrThrow({ where: { userId: user.id } })).passwordHash;
    expect(upgraded).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$/);
    expect(await verifyLocalPassword(db.prisma, { email, password: 'kept since 2025' })).toMatchObject({ ok: true });
    expect(await verifyLocalPassword(db.prisma, { email, password: 'wrong one' })).toMatchObject({ ok: false });
  });
});
