import type { PrismaDb } from '#db/create-database.ts';
import { checkConnectorConfig } from './check-connector-config.ts';
import type { TConnectorConfig } from './connector-config.ts';
import { validOrThrow } from './connector-record.ts';
import { getConnector } from './get-connector.ts';

export interface ResolveConnectorConfigOptions {
  /** A dex v0 connector config as a form or the API sends it; its secrets may be masked. */
  input: unknown;
}

/**
 * A config checked with the schema of its type, with the secrets it sends masked taken from
 * the connector saved under the same id and type: what an unsaved edit of an existing
 * connector would run with. Saves nothing. Throws BAD_REQUEST naming the first problem
 * (a masked secret with nothing stored is one).
 * @example const config = await resolveConnectorConfig(db.prisma, { input: { type: 'ldap', id: 'corp', searchBindPw: '********', … } });
 */
export async function resolveConnectorConfig(prisma: PrismaDb, options: ResolveConnectorConfigOptions): Promise<TConnectorConfig> {
  const { input } = options;
  const id = typeof input === 'object' && input !== null ? (input as { id?: unknown }).id : undefined;
  const stored = typeof id === 'string' ? await getConnector(prisma, { id }) : null;
  const checked = checkConnectorConfig({ input, stored: stored?.config });
  return validOrThrow(checked.config, checked.problems);
}
