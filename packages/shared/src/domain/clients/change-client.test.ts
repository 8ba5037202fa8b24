import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '#db/index.ts';
import { createTestDatabase, type TestDatabase, testProviders } from '#testing/index.ts';
import { createClient } from './create-client.ts';
import { deleteClient } from './delete-client.ts';
import { rotateClientSecret } from './rotate-client-secret.ts';
import type { ClientRecord } from './types.ts';
import { updateClient } from './update-client.ts';

/** Two connections to one database, as two processes (an overlord and a dexctl) would have. */
describe.each(testProviders(process.env))('changing a client from several processes at once (%s)', (provider) => {
  let testDb: TestDatabase;
  const processes: Database[] = [];
  beforeAll(async () => {
    testDb = await createTestDatabase(provider, { pgUrl: process.env.DEX_TEST_PG_URL });
    for (let i = 0; i < 2; i++) processes.push(await createDatabase({ url: testDb.url }));
  });
  afterAll(async () => {
    for (const db of processes.splice(0)) await db.close();
    await testDb.drop();
  });
  const prismaOf = (i: number) => {
    const db = processes[i % processes.length];
    if (db === undefined) throw new Error('no database');
    return db.prisma;
  };

  it('applies concurrent changes one after another, each reporting exactly the state it replaced', async () => {
    const { client } = await createClient(prismaOf(0), { redirectUris: ['https://app.example/cb'], name: 'v0' });
    const changes = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        i % 3 === 0
          ? rotateClientSecret(prismaOf(i), { id: client.id })
          : updateClient(prismaOf(i), { id: client.id, changes: { name: `v${i}`, redirectUris: [`https://app.example/cb/${i}`] } }),
      ),
    );
    // Ordered by when they applied, the changes form one history: no change was lost, and the
    // audit log's `before` of each is the `after` of the one before it.
    changes.sort((a, b) => a.after.updatedAt.getTime() - b.after.updatedAt.getTime());
    let previous: ClientRecord = client;
    for (const change of changes) {
      expect(change.before).toEqual(previous);
      expect(change.after.updatedAt.getTime()).toBeGreaterThan(previous.updatedAt.getTime());
      previous = change.after;
    }
    const stored = await updateClient(prismaOf(0), { id: client.id, changes: {} });
    expect(stored.before).toEqual(previous);
  });

  it('answers NOT_FOUND to a change that loses the race with a delete, and deletes what was there last', async () => {
    const { client } = await createClient(prismaOf(0), { redirectUris: ['https://app.example/cb'], name: 'doomed' });
    const [renamed, rotated, deleted] = await Promise.allSettled([
      updateClient(prismaOf(0), { id: client.id, changes: { name: 'renamed' } }),
      rotateClientSecret(prismaOf(1), { id: client.id }),
      deleteClient(prismaOf(1), { id: client.id }),
    ]);
    expect(deleted.status).toBe('fulfilled');
    for (const change of [renamed, rotated]) {
      if (change.status === 'rejected') expect(change.reason).toMatchObject({ code: 'NOT_FOUND' });
    }
    // The delete reports the last state the other changes left (the changes that applied came first).
    const applied = [renamed, rotated].flatMap((change) => (change.status === 'fulfilled' ? [change.value.after] : []));
    const last = [client, ...applied].sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime()).at(-1);
    expect(deleted.status === 'fulfilled' ? deleted.value.client : undefined).toEqual(last);
    expect(await prismaOf(0).client.findUnique({ where: { id: client.id } })).toBeNull();
  });
});
