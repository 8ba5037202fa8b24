import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from './create-database.ts';

/** SQLite's numbers for the `synchronous` pragma. */
const NORMAL = 1;

describe('createDatabase on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dex-create-db-'));
  const opened: Database[] = [];
  afterAll(async () => {
    for (const db of opened) await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(): Promise<Database> {
    const db = await createDatabase({ url: `file:${join(dir, 'dex.db')}` });
    opened.push(db);
    return db;
  }

  async function prismaPragma(db: Database, name: string): Promise<unknown> {
    const rows = await db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(`PRAGMA ${name}`);
    return Object.values(rows[0] ?? {})[0];
  }

  function driverPragma(db: Database, name: string): unknown {
    if (db.driver.provider !== 'sqlite') throw new Error('expected the SQLite driver');
    return db.driver.connection().pragma(name, { simple: true });
  }

  it('opens the file in WAL mode with foreign keys, and every connection commits at synchronous=NORMAL', async () => {
    // The first process switches the new file to WAL; a later one finds it so: both must agree.
    for (const db of [await open(), await open()]) {
      expect(String(await prismaPragma(db, 'journal_mode')).toLowerCase()).toBe('wal');
      expect(Number(await prismaPragma(db, 'foreign_keys'))).toBe(1);
      expect(Number(await prismaPragma(db, 'synchronous'))).toBe(NORMAL);
      expect(driverPragma(db, 'synchronous')).toBe(NORMAL);
      expect(driverPragma(db, 'foreign_keys')).toBe(1);
    }
  });
});
