import { afterAll, beforeAll } from 'vitest';
import { createDatabase, type Database } from '#db/index.ts';
import { createTestDatabase, type TestDatabase } from './index.ts';

/**
 * A fresh, migrated database for the tests of one `describe` block (vitest only): created in
 * its `beforeAll`, closed and dropped in its `afterAll`. Read `prisma` inside tests, not at
 * collection time, when the database does not exist yet.
 * @example const db = useMigratedDatabase(provider); it('...', async () => { await db.prisma.user.count(); });
 */
export function useMigratedDatabase(provider: 'sqlite' | 'postgresql'): Pick<Database, 'prisma'> {
  let testDb: TestDatabase | undefined;
  let db: Database | undefined;
  beforeAll(async () => {
    testDb = await createTestDatabase(provider, { pgUrl: process.env.DEX_TEST_PG_URL });
    db = await createDatabase({ url: testDb.url });
  });
  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });
  return {
    get prisma() {
      if (db === undefined) throw new Error('the test database is created in beforeAll: read it inside a test');
      return db.prisma;
    },
  };
}
