import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testProviders } from '#testing/index.ts';
import { useMigratedDatabase } from '#testing/migrated-database.ts';
import { isAnyRevoked, revokeIds } from './revocations.ts';

describe.each(testProviders(process.env))('access token revocations (%s)', (provider) => {
  const db = useMigratedDatabase(provider);

  it('reports an id revoked until its revocation expires', async () => {
    const [grant, jti, other] = [randomUUID(), randomUUID(), randomUUID()];
    const now = new Date();
    await revokeIds(db.prisma, [grant, jti], new Date(now.getTime() + 60_000));
    expect(await isAnyRevoked(db.prisma, [other, grant], now)).toBe(true);
    expect(await isAnyRevoked(db.prisma, [jti], now)).toBe(true);
    expect(await isAnyRevoked(db.prisma, [other], now)).toBe(false);
    expect(await isAnyRevoked(db.prisma, [], now)).toBe(false);
    expect(await isAnyRevoked(db.prisma, [grant], new Date(now.getTime() + 60_000))).toBe(false);
  });

  it('keeps the later expiry when an id is revoked again', async () => {
    const id = randomUUID();
    const later = new Date(Date.now() + 120_000);
    const sooner = new Date(Date.now() + 60_000);
    await revokeIds(db.prisma, [id, id], later);
    await revokeIds(db.prisma, [id], sooner);
    expect((await db.prisma.revocation.findUniqueOrThrow({ where: { id } })).expiresAt).toEqual(later);
    const latest = new Date(Date.now() + 180_000);
    await revokeIds(db.prisma, [id], latest);
    expect((await db.prisma.revocation.findUniqueOrThrow({ where: { id } })).expiresAt).toEqual(latest);
  });
});
