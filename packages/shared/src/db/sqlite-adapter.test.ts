import Sqlite from 'better-sqlite3';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#testing/index.ts';
import { createDatabase, type Database } from './create-database.ts';
import { PrismaClient as SqliteClient } from './generated/sqlite/client.ts';
import { SqliteAdapterFactory } from './sqlite-adapter.ts';
import { isSqliteBusy } from './sqlite-busy.ts';

/**
 * Several processes on one SQLite file: `other` plays another process (a worker, dexctl) on a
 * connection of its own without busy_timeout, as the worker's token store opens it.
 */
describe('the SQLite adapter under writers in other processes', () => {
  let testDb: TestDatabase;
  let db: Database;
  let other: Sqlite.Database;
  /** What createDatabase reported about waits for the lock. */
  const waits: number[] = [];
  beforeAll(async () => {
    testDb = await createTestDatabase('sqlite');
    db = await createDatabase({ url: testDb.url, onSqliteBusyWait: (ms) => waits.push(ms) });
    other = new Sqlite(testDb.url.slice('file:'.length), { timeout: 0 });
  });
  afterAll(async () => {
    other.close();
    await db.close();
    await testDb.drop();
  });

  const insertLease = (name: string) =>
    other.prepare("INSERT INTO leases (name, holder, expires_at) VALUES (?, 'other', '2099-01-01')").run(name);
  const leases = async () => (await db.prisma.lease.findMany({ orderBy: { name: 'asc' } })).map((lease) => lease.name);

  it('takes the write lock when a transaction begins, so a read followed by a write cannot fail', async () => {
    // The stock adapter's deferred BEGIN would let `other` commit between the read and the
    // write, and the write would then fail at once with SQLITE_BUSY_SNAPSHOT.
    let otherError: unknown;
    await db.prisma.$transaction(async (tx) => {
      await tx.lease.findMany();
      try {
        insertLease('during');
      } catch (error) {
        otherError = error;
      }
      await tx.lease.create({ data: { name: 'mine', holder: 'me', expiresAt: new Date('2099-01-01') } });
    });
    expect(isSqliteBusy(otherError)).toBe(true);
    insertLease('after');
    expect(await leases()).toEqual(['after', 'mine']);
  });

  it('waits for a lock another process holds on a timer, leaving the event loop free, and says how long', async () => {
    waits.length = 0;
    other.prepare('BEGIN IMMEDIATE').run();
    const release = sleep(300).then(() => other.prepare('COMMIT').run());
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    try {
      const started = performance.now();
      const [, batch] = await Promise.all([
        db.prisma.lease.create({ data: { name: 'waited-statement', holder: 'me', expiresAt: new Date('2099-01-01') } }),
        db.prisma.$transaction([
          db.prisma.lease.create({ data: { name: 'waited-batch', holder: 'me', expiresAt: new Date('2099-01-01') } }),
        ]),
        release,
      ]);
      expect(batch).toHaveLength(1);
      expect(performance.now() - started).toBeGreaterThanOrEqual(250);
      // busy_timeout would have slept on this thread for the whole 300 ms: no tick at all.
      expect(ticks).toBeGreaterThan(5);
      // The statement and the batch's BEGIN IMMEDIATE each waited.
      expect(waits).toHaveLength(2);
      for (const waited of waits) expect(waited).toBeGreaterThanOrEqual(250);
    } finally {
      clearInterval(ticker);
    }
    expect(await leases()).toEqual(expect.arrayContaining(['waited-batch', 'waited-statement']));
  });

  it('runs statements from outside a transaction after it, never inside it', async () => {
    // A transaction that (against the rule) awaits a timer: another request's write issued
    // meanwhile must not become part of it, or the rollback below would take it along.
    let outside: Promise<unknown> | undefined;
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.lease.create({ data: { name: 'rolled-back', holder: 'me', expiresAt: new Date('2099-01-01') } });
        outside = db.prisma.lease.create({ data: { name: 'kept', holder: 'me', expiresAt: new Date('2099-01-01') } });
        await sleep(50);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await outside;
    const names = await leases();
    expect(names).toContain('kept');
    expect(names).not.toContain('rolled-back');
  });

  it('gives up with SQLITE_BUSY after its deadline, and the next transaction still runs', async () => {
    const prisma = new SqliteClient({
      adapter: new SqliteAdapterFactory({ filename: testDb.url.slice('file:'.length), busyDeadlineMs: 100 }),
    });
    try {
      other.prepare('BEGIN IMMEDIATE').run();
      try {
        await expect(prisma.$transaction(async (tx) => tx.lease.count())).rejects.toSatisfy(isSqliteBusy);
        await expect(prisma.lease.deleteMany({})).rejects.toSatisfy(isSqliteBusy);
      } finally {
        other.prepare('ROLLBACK').run();
      }
      expect(await prisma.$transaction(async (tx) => tx.lease.count())).toBeGreaterThan(0);
    } finally {
      await prisma.$disconnect();
    }
  });
});
