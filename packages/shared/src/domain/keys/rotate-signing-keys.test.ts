import { describe, expect, it } from 'vitest';
import { testProviders, testSecrets } from '#testing/index.ts';
import { useMigratedDatabase } from '#testing/migrated-database.ts';
import { keyState, rotateSigningKeys, rotateSigningKeysOnDemand } from './rotate-signing-keys.ts';
import { reencryptSigningKeys } from './reencrypt-signing-keys.ts';
import { DEFAULT_KEY_PUBLISH_DELAY_MS, readSigningKeyChain } from './signing-key-chain.ts';
import { ensureActiveSigningKey, listSigningKeys, loadKeySet } from './signing-keys.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const PERIOD = 24 * HOUR;
const DELAY = DEFAULT_KEY_PUBLISH_DELAY_MS;

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

  const ms = (date: Date, offset: number) => new Date(date.getTime() + offset);
  const publishedKids = async (now: Date) => (await loadKeySet(db.prisma, { secrets, now })).published.map((k) => k.kid).sort();
  const activeKid = async (now: Date) => (await loadKeySet(db.prisma, { secrets, now })).active?.kid;
  /** A chain with one key, A, active from `start`. */
  async function freshChain(start: Date): Promise<string> {
    await db.prisma.signingKey.deleteMany({});
    const [a] = (await rotateSigningKeys(db.prisma, { secrets, keyPeriodMs: PERIOD, now: start })).created;
    if (a === undefined) throw new Error('no key created');
    return a;
  }

  it('rotates on demand by publishing first: the new key signs one publish delay later, the old one until then', async () => {
    const a = await freshChain(at(60));
    const now = at(61);
    const rotation = await rotateSigningKeysOnDemand(db.prisma, { secrets, keyPeriodMs: PERIOD, now });
    const signsAt = ms(now, DELAY);
    expect(rotation).toEqual({
      mode: 'publish-first',
      kid: expect.any(String),
      publishedAt: now,
      activatesAt: signsAt,
      previousKid: a,
      previousRetiresAt: signsAt,
      previousExpiresAt: ms(signsAt, PERIOD),
      withdrawn: [],
    });
    const b = rotation.kid;
    // Published at once, signing only after the delay; at that instant the old key stops.
    expect(await publishedKids(now)).toEqual([a, b].sort());
    expect(await activeKid(now)).toBe(a);
    expect(await activeKid(ms(signsAt, -1))).toBe(a);
    expect(await activeKid(signsAt)).toBe(b);
    for (const instant of [ms(signsAt, -1), signsAt]) {
      expect((await states(instant)).filter((k) => k.state === 'active')).toHaveLength(1);
    }
    // The old key stays published for a period after it retires, so its tokens verify.
    expect(await publishedKids(ms(signsAt, PERIOD - 1))).toContain(a);
    expect(await publishedKids(ms(signsAt, PERIOD))).not.toContain(a);

    // Rotating again before the new key signs changes nothing (a double click).
    const version = (await readSigningKeyChain(db.prisma)).version;
    const again = await rotateSigningKeysOnDemand(db.prisma, { secrets, keyPeriodMs: PERIOD, now: ms(now, MINUTE) });
    expect(again).toEqual(rotation);
    expect(await listSigningKeys(db.prisma)).toHaveLength(2);
    expect((await readSigningKeyChain(db.prisma)).version).toBe(version);
    // The schedule takes the on-demand successor as its own.
    expect((await rotateSigningKeys(db.prisma, { secrets, keyPeriodMs: PERIOD, now: ms(now, 2 * MINUTE) })).created).toEqual([]);
  });

  it('activates at once a successor that has been published for longer than the delay', async () => {
    const start = at(80);
    await freshChain(start);
    const [s] = (await rotateSigningKeys(db.prisma, { secrets, keyPeriodMs: PERIOD, now: ms(start, 12 * HOUR) })).created;
    const now = ms(start, 13 * HOUR);
    const rotation = await rotateSigningKeysOnDemand(db.prisma, { secrets, keyPeriodMs: PERIOD, now });
    expect(rotation).toMatchObject({ kid: s, publishedAt: ms(start, 12 * HOUR), activatesAt: now, previousRetiresAt: now });
    expect(await activeKid(now)).toBe(s);
  });

  it('waits the rest of the delay for a successor published less than a delay ago', async () => {
    const start = at(120);
    await freshChain(start);
    const [s] = (await rotateSigningKeys(db.prisma, { secrets, keyPeriodMs: PERIOD, now: ms(start, 12 * HOUR) })).created;
    const rotation = await rotateSigningKeysOnDemand(db.prisma, { secrets, keyPeriodMs: PERIOD, now: ms(start, 12 * HOUR + MINUTE) });
    expect(rotation).toMatchObject({ kid: s, activatesAt: ms(start, 12 * HOUR + DELAY) });
  });

  it('rotates immediately for a leaked key: every stored key leaves the JWKS and a fresh key signs at once', async () => {
    const start = at(150);
    const a = await freshChain(start);
    const [s] = (await rotateSigningKeys(db.prisma, { secrets, keyPeriodMs: PERIOD, now: ms(start, 12 * HOUR) })).created;
    const [retired, active] = [a, s];
    // A retired key (a), an active one (s) and its successor (n).
    const [n] = (await rotateSigningKeys(db.prisma, { secrets, keyPeriodMs: PERIOD, now: ms(start, 36 * HOUR) })).created;
    const now = ms(start, 37 * HOUR);
    expect(await publishedKids(now)).toEqual([retired, active, n].sort());
    const before = (await readSigningKeyChain(db.prisma)).version;

    const rotation = await rotateSigningKeysOnDemand(db.prisma, { secrets, keyPeriodMs: PERIOD, now, mode: 'immediate' });
    expect(rotation).toEqual({
      mode: 'immediate',
      kid: expect.any(String),
      publishedAt: now,
      activatesAt: now,
      previousKid: active,
      previousRetiresAt: now,
      previousExpiresAt: now,
      withdrawn: expect.arrayContaining([retired, active, n]),
    });
    expect(rotation.withdrawn).toHaveLength(3);
    expect([retired, active, n]).not.toContain(rotation.kid);
    expect(await publishedKids(now)).toEqual([rotation.kid]);
    expect(await activeKid(now)).toBe(rotation.kid);
    expect((await readSigningKeyChain(db.prisma)).version).toBe(before + 1);
  });

  it('creates a late successor one delay ahead, the active key signing until then', async () => {
    const start = at(200);
    const a = await freshChain(start);
    // The overlord was down from the half-life until a minute before the retirement.
    const late = ms(start, PERIOD - MINUTE);
    const [s] = (await rotateSigningKeys(db.prisma, { secrets, keyPeriodMs: PERIOD, now: late })).created;
    const signsAt = ms(late, DELAY);
    expect(await activeKid(ms(start, PERIOD))).toBe(a);
    expect(await activeKid(ms(signsAt, -1))).toBe(a);
    expect(await activeKid(signsAt)).toBe(s);
    expect(await publishedKids(late)).toEqual([a, s].sort());
  });

  it('creates the successor a publish delay ahead when that is longer than half a period', async () => {
    await db.prisma.signingKey.deleteMany({});
    const start = at(300);
    const options = { secrets, keyPeriodMs: HOUR, publishDelayMs: 40 * MINUTE };
    const first = await rotateSigningKeys(db.prisma, { ...options, now: start });
    expect(first.nextRunAt).toEqual(ms(start, 20 * MINUTE));
    expect((await rotateSigningKeys(db.prisma, { ...options, now: ms(start, 19 * MINUTE) })).created).toEqual([]);
    const [s] = (await rotateSigningKeys(db.prisma, { ...options, now: ms(start, 20 * MINUTE) })).created;
    expect(await activeKid(ms(start, HOUR))).toBe(s);
  });

  it('moves the change marker with every change of the keys, and records the publish delay', async () => {
    const start = at(400);
    await freshChain(start);
    const marker = await readSigningKeyChain(db.prisma);
    expect(marker.publishDelayMs).toBe(DELAY);
    // Nothing to do: the marker stays.
    await rotateSigningKeys(db.prisma, { secrets, keyPeriodMs: PERIOD, now: ms(start, HOUR) });
    expect(await readSigningKeyChain(db.prisma)).toEqual(marker);
    // A new delay is recorded without a change of the keys.
    await rotateSigningKeys(db.prisma, { secrets, keyPeriodMs: PERIOD, publishDelayMs: 2 * MINUTE, now: ms(start, HOUR) });
    expect(await readSigningKeyChain(db.prisma)).toEqual({ version: marker.version, publishDelayMs: 2 * MINUTE });
    // A successor, an on-demand rotation, an expiry: each moves it.
    let version = marker.version;
    const expectMoved = async () => {
      const next = (await readSigningKeyChain(db.prisma)).version;
      expect(next).toBeGreaterThan(version);
      version = next;
    };
    await rotateSigningKeys(db.prisma, { secrets, keyPeriodMs: PERIOD, now: ms(start, 12 * HOUR) });
    await expectMoved();
    await rotateSigningKeysOnDemand(db.prisma, { secrets, keyPeriodMs: PERIOD, now: ms(start, 13 * HOUR) });
    await expectMoved();
    await rotateSigningKeys(db.prisma, { secrets, keyPeriodMs: PERIOD, now: ms(start, 13 * HOUR + PERIOD) });
    await expectMoved();
    await db.prisma.signingKey.deleteMany({});
    await ensureActiveSigningKey(db.prisma, { secrets, now: ms(start, 100 * HOUR) });
    await expectMoved();
  });

  it('lets concurrent runs add exactly one successor', async () => {
    await db.prisma.signingKey.deleteMany({});
    const start = at(100);
    await rotateSigningKeys(db.prisma, { secrets, keyPeriodMs: PERIOD, now: start });
    const results = await Promise.all([1, 2, 3].map(() => rotateSigningKeys(db.prisma, { secrets, keyPeriodMs: PERIOD, now: at(112) })));
    expect(results.flatMap((r) => r.created)).toHaveLength(1);
    expect(await listSigningKeys(db.prisma)).toHaveLength(2);
  });

  it('lets concurrent on-demand rotations publish exactly one successor', async () => {
    await freshChain(at(500));
    const now = at(501);
    const rotations = await Promise.all([1, 2, 3].map(() => rotateSigningKeysOnDemand(db.prisma, { secrets, keyPeriodMs: PERIOD, now })));
    expect(new Set(rotations.map((r) => r.kid)).size).toBe(1);
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

  // On this describe's database (its keys cleared), not a database of its own: migrating one costs seconds.
  it('re-encrypts stored keys under a new first secret, after which the old one can go (key secret rotation)', async () => {
    await db.prisma.signingKey.deleteMany({});
    const oldSecret = testSecrets().keySecret;
    const newSecret = testSecrets().keySecret;
    await rotateSigningKeys(db.prisma, { secrets: [oldSecret], keyPeriodMs: PERIOD });
    await expect(loadKeySet(db.prisma, { secrets: [newSecret] })).rejects.toMatchObject({ code: 'KEYS_UNDECRYPTABLE' });
    const rewritten = await reencryptSigningKeys(db.prisma, { secrets: [newSecret, oldSecret] });
    expect(rewritten).toHaveLength(1);
    expect((await loadKeySet(db.prisma, { secrets: [newSecret] })).active).not.toBeNull();
    expect(await reencryptSigningKeys(db.prisma, { secrets: [newSecret, oldSecret] })).toEqual([]);
  });
});
