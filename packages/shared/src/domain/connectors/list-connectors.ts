import type { PrismaDb } from '#db/create-database.ts';
import { CONNECTOR_ORDER, type ConnectorRecord, toConnectorRecord } from './connector-record.ts';

/**
 * Every connector in login-page order (position, then id), with its timestamps.
 * @example (await listConnectors(db.prisma)).map((c) => c.id) // ['local', 'github']
 */
export async function listConnectors(prisma: PrismaDb): Promise<ConnectorRecord[]> {
  const rows = await prisma.connectorConfig.findMany({ orderBy: [...CONNECTOR_ORDER] });
  return rows.map(toConnectorRecord);
}
