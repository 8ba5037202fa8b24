import type { PrismaDb } from '#db/create-database.ts';
import { AppError } from '#errors/index.ts';
import { isUniqueViolation } from '../prisma-errors.ts';
import { checkConnectorConfig } from './check-connector-config.ts';
import {
  applyConnectorOrder,
  CONNECTOR_ORDER,
  type ConnectorRecord,
  moveId,
  toConnectorColumns,
  toConnectorRecord,
  validOrThrow,
} from './connector-record.ts';

export interface CreateConnectorOptions {
  /** A dex v0 connector config (`{"type":"github","id":"github","clientID":…}`), checked here. */
  config: unknown;
  /** 0-based place on the login page; the end when omitted (or larger than the list). */
  position?: number;
}

/**
 * Adds one connector, validated with the schema of its type, at `position` in the login-page
 * order (the others move down). A secret sent masked is refused: there is nothing to keep.
 * Throws BAD_REQUEST for an invalid config, CONFLICT for an id in use or a second `local`
 * connector (dex has one set of local users, so one local connector).
 * @example await createConnector(db.prisma, { config: { type: 'github', id: 'github', clientID: 'x', clientSecret: 'y' } });
 */
export async function createConnector(prisma: PrismaDb, options: CreateConnectorOptions): Promise<ConnectorRecord> {
  const checked = checkConnectorConfig({ input: options.config });
  const config = validOrThrow(checked.config, checked.problems);
  try {
    return await prisma.$transaction(async (tx) => {
      const ids = (await tx.connectorConfig.findMany({ orderBy: [...CONNECTOR_ORDER], select: { id: true } })).map((row) => row.id);
      if (ids.includes(config.id)) throw new AppError('CONFLICT', { message: `connector "${config.id}" already exists` });
      if (config.type === 'local') {
        const local = await tx.connectorConfig.findFirst({ where: { type: 'local' }, select: { id: true } });
        if (local !== null)
          throw new AppError('CONFLICT', { message: `there is already a local connector ("${local.id}"); there can be only one` });
      }
      const order = moveId(ids, config.id, options.position ?? ids.length);
      await tx.connectorConfig.create({ data: { ...toConnectorColumns(config), position: order.indexOf(config.id) } });
      await applyConnectorOrder(tx, order);
      return toConnectorRecord(await tx.connectorConfig.findUniqueOrThrow({ where: { id: config.id } }));
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('CONFLICT', { message: `connector "${config.id}" already exists` });
    throw error;
  }
}
