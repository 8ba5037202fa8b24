import type { PrismaDb } from '#db/create-database.ts';
import { type ConnectorConfigProblem, checkConnectorConfig, checkConnectorConfigs } from './check-connector-config.ts';
import { listConnectorConfigs } from './connector-store.ts';

export interface ValidateConnectorConfigsOptions {
  /** One dex v0 connector config, or an array of them (as `PUT /api/v1/connectors` takes). */
  input: unknown;
}

/**
 * Every problem of one connector config or a list of them, without saving anything: the
 * checks of `createConnector`/`updateConnector` for one config and of `replaceConnectors` for
 * a list, with masked secrets resolved against the stored configs. Empty when valid.
 * @example await validateConnectorConfigs(db.prisma, { input: { type: 'github', id: 'gh' } }) // [{ path: 'clientID', ... }, ...]
 */
export async function validateConnectorConfigs(
  prisma: PrismaDb,
  options: ValidateConnectorConfigsOptions,
): Promise<ConnectorConfigProblem[]> {
  const stored = await listConnectorConfigs(prisma);
  if (Array.isArray(options.input)) return checkConnectorConfigs({ input: options.input, stored }).problems;
  const input = options.input;
  const id = typeof input === 'object' && input !== null && 'id' in input ? input.id : undefined;
  return checkConnectorConfig({ input, stored: stored.find((config) => config.id === id) }).problems;
}
