import type { PrismaDb } from '#db/create-database.ts';
import { AppError } from '#errors/index.ts';
import { applyConnectorOrder, CONNECTOR_ORDER, type ConnectorRecord, toConnectorRecord } from './connector-record.ts';

export interface DeleteConnectorOptions {
  id: string;
}

/**
 * Deletes one connector and closes the gap in the login-page order. Users' identities at
 * that connector are kept (logging in through it is impossible until it is added again).
 * Throws NOT_FOUND for an unknown connector.
 * @example const deleted = await deleteConnector(db.prisma, { id: 'github' });
 */
export async function deleteConnector(prisma: PrismaDb, options: DeleteConnectorOptions): Promise<ConnectorRecord> {
  return prisma.$transaction(async (tx) => {
    const row = await tx.connectorConfig.findUnique({ where: { id: options.id } });
    if (row === null) throw new AppError('NOT_FOUND', { message: 'connector not found' });
    await tx.connectorConfig.delete({ where: { id: options.id } });
    const ids = (await tx.connectorConfig.findMany({ orderBy: [...CONNECTOR_ORDER], select: { id: true } })).map((r) => r.id);
    await applyConnectorOrder(tx, ids);
    return toConnectorRecord(row);
  });
}
