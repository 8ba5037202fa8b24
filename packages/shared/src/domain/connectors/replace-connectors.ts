import type { PrismaDb } from '#db/create-database.ts';
import { checkConnectorConfigs } from './check-connector-config.ts';
import type { TConnectorConfig } from './connector-config.ts';
import { validOrThrow } from './connector-record.ts';
import { listConnectorConfigs, setConnectorConfigs } from './connector-store.ts';

export interface ReplaceConnectorsOptions {
  /** The new list of dex v0 connector configs, in login-page order; checked here. */
  configs: unknown;
}

export interface ReplacedConnectors {
  before: TConnectorConfig[];
  after: TConnectorConfig[];
}

/**
 * Replaces every connector config (dex v0 `PUT /api/v1/connectors`). Each entry is validated
 * with the schema of its type; a secret sent as `MASKED_SECRET` keeps the value stored under
 * the same id and type, so a list read from the API can be written back unchanged.
 * Throws BAD_REQUEST naming the first problem (`connectors.1.clientSecret is required`).
 * @example await replaceConnectors(db.prisma, { configs: [{ type: 'local', id: 'local' }] });
 */
export async function replaceConnectors(prisma: PrismaDb, options: ReplaceConnectorsOptions): Promise<ReplacedConnectors> {
  const before = await listConnectorConfigs(prisma);
  const checked = checkConnectorConfigs({ input: options.configs, stored: before });
  await setConnectorConfigs(prisma, validOrThrow(checked.configs, checked.problems, { prefix: 'connectors' }));
  return { before, after: await listConnectorConfigs(prisma) };
}
