import { describe, expect, it } from 'vitest';
import { testProviders } from '#testing/index.ts';
import { useMigratedDatabase } from '#testing/migrated-database.ts';
import { clearLoginFailures, countLoginFailures, recordLoginFailure } from './login-failures.ts';

describe.each(testProviders(process.env))('failed-login counters (%s)', (provider) => {
  const db = useMigratedDatabase(provider);
  const window = { windowMs: 60_000 };

  it('counts every one of many concurrent failures once', async () => {
    const key = `account:${crypto.randomUUID()}@198.51.100.7`;
    const results = await Promise.all(Array.from({ length: 25 }, () => recordLoginFailure(db.prisma, key, window)));
    expect(results.toSorted((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(await countLoginFailures(db.prisma, [key])).toEqual([25]);
  });

  it('starts a new window at 1 once the old one ended, and forgets a key that is cleared', async () => {
    const key = `address:${crypto.randomUUID()}`;
    const start = Date.now() - 120_000;
    expect(await recordLoginFailure(db.prisma, key, { ...window, now: start })).toBe(1);
    expect(await recordLoginFailure(db.prisma, key, { ...window, now: start + 1_000 })).toBe(2);
    // The window of 60 s has ended: nothing counts now, and the next failure starts over.
    expect(await countLoginFailures(db.prisma, [key])).toEqual([0]);
    expect(await recordLoginFailure(db.prisma, key, window)).toBe(1);
    expect(await recordLoginFailure(db.prisma, key, window)).toBe(2);
    await clearLoginFailures(db.prisma, key);
    expect(await countLoginFailures(db.prisma, [key])).toEqual([0]);
  });

  it('stores neither the email nor the address it counts', async () => {
    const key = 'account:someone.private@example.com@203.0.113.9';
    await recordLoginFailure(db.prisma, key, window);
    const rows = await db.prisma.loginFailure.findMany();
    expect(JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).not.toMatch(/example\.com|203\.0\.113/);
  });
});
