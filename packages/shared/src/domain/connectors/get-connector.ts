import type { PrismaDb } from '#db/create-database.ts';
import { type ConnectorRecord, toConnectorRecord } from './connector-record.ts';

export interface GetConnectorOptions {
  id: string;
}

/**
 * One connector by id, or null.
 * @example await getConnector(db.prisma, { id: 'local' }) // ConnectorRecord | null
 */
export async function getConnector(prisma: PrismaDb, options: GetConnectorOptions): Promise<ConnectorRecord | null> {
  const row = await prisma.connectorConfig.findUnique({ where: { id: options.id } });
  return row === null ? null : toConnectorRecord(row);
}
