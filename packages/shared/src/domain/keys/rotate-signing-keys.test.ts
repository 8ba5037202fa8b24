import { describe, expect, it } from 'vitest';
import { createDatabase } from '#db/index.ts';
import { createTestDatabase, testProviders, testSecrets } from '#testing/index.ts';
import { useMigratedDatabase } from '#testing/migrated-database.ts';
import { keyState, rotateSigningKeys, rotateSigningKeysNow } from './rotate-signing-keys.ts';
import { reencryptSigningKeys } from './reencrypt-signing-keys.ts';
import { ensureActiveSigningKey, listSigningKeys, loadKeySet } from './signing-keys.ts';

const HOUR = 3_600_000;
const PERIOD = 24 * HOUR;

describe.each(testProviders(process.env))('signing key rotation (%s)', (provider) => {
  const db = useMigratedDatabase(provider);
  const { keySecret } = testSecrets();
  const secrets = [keySecret];
  const t0 = new Date('2030-01-01T00:00:00Z');
  const at = (hours: number) => new Date(t0.getTime() + hours * HOUR);

  async function states(now: Date) {
    return (await listSigningKeys(db.prisma)).map((key) => ({ kid: key.kid, state: keyState(key, now) }));
  }

  it('walks a key through next, active and retired, publishing each before it signs', async () => {
    const first = await rotateSigningKeys(db.prisma, { secrets, keyPeriodMs: PERIOD, now: t0 });
    expect(first.created).toHaveLength(1);
    const [a] = first.created;
    expect(first.nextRunAt).toEqual(at(12));

    // Nothing to do before the half-life; running again changes nothing.
    expect((await rotateSigningKeys(db.prisma, { secrets, keyPeriodMs: PERIOD, now: at(6) })).created).toEqual([]);

    const half = await rotateSigningKeys(db.prisma, { secrets, keyPeriodMs: PERIOD, now: at(12) });
    expect(half.created).toHaveLength(1);
    const [b] = half.created;
    // B is published but A still signs.
    const atHalf = await loadKeySet(db.prisma, { secrets, now: at(12) });
    expect(atHalf.active?.kid).toBe(a);
    expect(atHalf.published.map((k) => k.kid).sort()).toEqual([a, b].sort());
    expect(await states(at(12))).toContainEqual({ kid: b, state: 'next' });

    // At A's retirement B signs at that very instant: never two active keys, never none.
    for (const instant of [new Date(at(24).getTime() - 1), at(24)]) {
      const active = (await states(instant)).filter((k) => k.state === 'active');
      expect(active).toHaveLength(1);
    }
    expect((await loadKeySet(db.prisma, { secrets, now: at(24) })).active?.kid).toBe(b);
    // A stays published for one more period, then goes.
    expect((await loadKeySet(db.prisma, { secrets, now: at(47) })).published.map((k) => k.kid)).toContain(a);
    const later = await rotateSigningKeys(db.prisma, { secrets, keyPeriodMs: PERIOD, now: at(48) });
    expect(later.deleted).toEqual([a]);
    expect((await listSigningKeys(db.prisma)).map((k) => k.kid)).not.toContain(a);
  });

  it('rotates on demand: the active key retires at once and stays published', async () => {
    const now = at(60);
    await rotateSigningKeys(db.prisma, { secrets, keyPeriodMs: PERIOD, now });
    const before = (await loadKeySet(db.prisma, { secrets, now })).active?.kid;
    const kid = await rotateSigningKeysNow(db.prisma, { secrets, keyPeriodMs: PERIOD, now });
    expect(kid).not.toBe(before);
    const after = await loadKeySet(db.prisma, { secrets, now });
    expect(after.active?.kid).toBe(kid);
    expect(after.published.map((k) => k.kid)).toContain(before);
    expect((await states(now)).filter((k) => k.state === 'active')).toHaveLength(1);
  });

  it('lets concurrent runs add exactly one successor', async () => {
    await db.prisma.signingKey.deleteMany({});
    const start = at(100);
    await rotateSigningKeys(db.prisma, { secrets, keyPeriodMs: PERIOD, now: start });
    const results = await Promise.all([1, 2, 3].map(() => rotateSigningKeys(db.prisma, { secrets, keyPeriodMs: PERIOD, now: at(112) })));
    expect(results.flatMap((r) => r.created)).toHaveLength(1);
    expect(await listSigningKeys(db.prisma)).toHaveLength(2);
  });

  it('gives keys from before rotation existed a retirement, and refuses keys no secret opens', async () => {
    await db.prisma.signingKey.deleteMany({});
    await ensureActiveSigningKey(db.prisma, { secrets, now: at(200) });
    await rotateSigningKeys(db.prisma, { secrets, keyPeriodMs: PERIOD, now: at(201) });
    const [legacy] = await listSigningKeys(db.prisma);
    expect(legacy?.retiresAt).toEqual(at(224));
    await expect(
      rotateSigningKeys(db.prisma, { secrets: [testSecrets().keySecret], keyPeriodMs: PERIOD, now: at(202) }),
    ).rejects.toMatchObject({
      code: 'KEYS_UNDECRYPTABLE',
    });
  });
});

describe.each(testProviders(process.env))('key secret rotation (%s)', (provider) => {
  it('re-encrypts stored keys under a new first secret, after which the old one can go', async () => {
    const testDb = await createTestDatabase(provider, { pgUrl: process.env.DEX_TEST_PG_URL });
    const db = await createDatabase({ url: testDb.url });
    try {
      const oldSecret = testSecrets().keySecret;
      const newSecret = testSecrets().keySecret;
      await rotateSigningKeys(db.prisma, { secrets: [oldSecret], keyPeriodMs: PERIOD });
      await expect(loadKeySet(db.prisma, { secrets: [newSecret] })).rejects.toMatchObject({ code: 'KEYS_UNDECRYPTABLE' });
      const rewritten = await reencryptSigningKeys(db.prisma, { secrets: [newSecret, oldSecret] });
      expect(rewritten).toHaveLength(1);
      expect((await loadKeySet(db.prisma, { secrets: [newSecret] })).active).not.toBeNull();
      expect(await reencryptSigningKeys(db.prisma, { secrets: [newSecret, oldSecret] })).toEqual([]);
    } finally {
      await db.close();
      await testDb.drop();
    }
  });
});
