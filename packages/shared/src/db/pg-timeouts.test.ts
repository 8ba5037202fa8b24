import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '#errors/index.ts';
import { type PgCluster, startPgCluster } from '#testing/pg-cluster.ts';
import { createDatabase, type Database, PG_LOCK_TIMEOUT_MS, PG_STATEMENT_TIMEOUT_MS } from './create-database.ts';

describe('createDatabase on PostgreSQL bounds every statement and every lock wait', () => {
  let cluster: PgCluster;
  const opened: Database[] = [];
  beforeAll(async () => {
    cluster = await startPgCluster();
  });
  afterAll(async () => {
    for (const db of opened) await db.close();
    await cluster?.destroy();
  });

  async function open(options: { statementTimeoutMs?: number; lockTimeoutMs?: number } = {}): Promise<Database> {
    const db = await createDatabase({ url: cluster.url(), ...options });
    opened.push(db);
    return db;
  }

  it('sets statement_timeout and lock_timeout on the connections Prisma and the hot-path SQL use, by default 30 s and 10 s', async () => {
    expect(PG_STATEMENT_TIMEOUT_MS).toBe(30_000);
    expect(PG_LOCK_TIMEOUT_MS).toBe(10_000);
    const db = await open();
    const rows = await db.prisma.$queryRawUnsafe<{ statement_timeout: string; lock_timeout: string }[]>(
      "SELECT current_setting('statement_timeout') AS statement_timeout, current_setting('lock_timeout') AS lock_timeout",
    );
    expect(rows).toEqual([{ statement_timeout: '30s', lock_timeout: '10s' }]);
    if (db.driver.provider !== 'postgresql') throw new Error('expected the pg driver');
    const direct = await db.driver.pool.query<{ statement_timeout: string }>(
      "SELECT current_setting('statement_timeout') AS statement_timeout",
    );
    expect(direct.rows[0]?.statement_timeout).toBe('30s');
  });

  it('a statement running past the bound is cancelled, and reads as the database being unavailable (a 503, not a hang)', async () => {
    const db = await open({ statementTimeoutMs: 300 });
    const started = performance.now();
    const error = await db.prisma.$queryRawUnsafe('SELECT pg_sleep(20)').then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(error).not.toBeNull();
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('a statement waiting for a lock held elsewhere gives up after the lock bound, and reads as unavailable', async () => {
    const holderDb = await open();
    const db = await open({ lockTimeoutMs: 300 });
    await db.prisma.$executeRawUnsafe('CREATE TABLE IF NOT EXISTS held (id int)');
    if (holderDb.driver.provider !== 'postgresql') throw new Error('expected the pg driver');
    const holder = await holderDb.driver.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE held IN ACCESS EXCLUSIVE MODE');
      const started = performance.now();
      const error = await db.prisma.$queryRawUnsafe('SELECT * FROM held').then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(isDatabaseUnavailable(error)).toBe(true);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
  });
});
