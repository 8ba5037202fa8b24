import { describe, expect, it } from 'vitest';
import { testProviders } from '#testing/index.ts';
import { useMigratedDatabase } from '#testing/migrated-database.ts';
import type { TConnectorConfig } from './connector-config.ts';
import { listConnectorConfigs, setConnectorConfigs } from './connector-store.ts';

describe.each(testProviders(process.env))('replacing the connector configs (%s)', (provider) => {
  const db = useMigratedDatabase(provider);

  it('lets every one of many replacements at the same moment succeed, the last one whole', async () => {
    // Each writer keeps "local" and adds connectors of its own, as scripts and admins do.
    const lists: TConnectorConfig[][] = Array.from({ length: 16 }, (_, writer) => [
      { type: 'local', id: 'local' },
      ...Array.from({ length: 3 }, (_, n) => ({ type: 'local', id: `writer-${writer}-${n}` }) as TConnectorConfig),
    ]);
    await setConnectorConfigs(db.prisma, [{ type: 'local', id: 'local' }]);
    const counts = await Promise.all(lists.map((list) => setConnectorConfigs(db.prisma, list)));
    expect(counts).toEqual(lists.map(() => 4));
    const ids = (await listConnectorConfigs(db.prisma)).map((config) => config.id);
    expect(lists.map((list) => list.map((config) => config.id))).toContainEqual(ids);
  });
});
