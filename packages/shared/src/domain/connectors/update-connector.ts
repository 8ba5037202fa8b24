import type { PrismaDb } from '#db/create-database.ts';
import { AppError } from '#errors/index.ts';
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

export interface UpdateConnectorOptions {
  id: string;
  /**
   * Top-level config fields to change: a value replaces the stored one, `null` removes the
   * field, `MASKED_SECRET` in a secret field keeps the stored secret. `id` and `type` may be
   * sent but not changed.
   */
  changes: Readonly<Record<string, unknown>>;
  /** A new 0-based place on the login page (clamped to the list). */
  position?: number;
}

export interface UpdatedConnector {
  before: ConnectorRecord;
  after: ConnectorRecord;
}

/**
 * Changes one connector in a transaction: merges `changes` into the stored config, validates
 * the result with the schema of its type, and moves it to `position` when given.
 * Throws NOT_FOUND for an unknown connector, BAD_REQUEST for an invalid result.
 * @example await updateConnector(db.prisma, { id: 'github', changes: { clientID: 'new-id' }, position: 0 });
 */
export async function updateConnector(prisma: PrismaDb, options: UpdateConnectorOptions): Promise<UpdatedConnector> {
  return prisma.$transaction(async (tx) => {
    const row = await tx.connectorConfig.findUnique({ where: { id: options.id } });
    if (row === null) throw new AppError('NOT_FOUND', { message: 'connector not found' });
    const before = toConnectorRecord(row);
    for (const field of ['id', 'type'] as const) {
      const value = options.changes[field];
      if (value !== undefined && value !== before.config[field]) throw new AppError('BAD_REQUEST', { message: `${field} cannot change` });
    }
    const removed = new Set(Object.keys(options.changes).filter((field) => options.changes[field] === null));
    const merged = Object.fromEntries(Object.entries({ ...before.config, ...options.changes }).filter(([field]) => !removed.has(field)));
    const checked = checkConnectorConfig({ input: merged, stored: before.config });
    const config = validOrThrow(checked.config, checked.problems);
    await tx.connectorConfig.update({
      where: { id: options.id },
      data: { config: toConnectorColumns(config).config, updatedAt: new Date() },
    });
    if (options.position !== undefined) {
      const ids = (await tx.connectorConfig.findMany({ orderBy: [...CONNECTOR_ORDER], select: { id: true } })).map((r) => r.id);
      await applyConnectorOrder(tx, moveId(ids, options.id, options.position));
    }
    const after = toConnectorRecord(await tx.connectorConfig.findUniqueOrThrow({ where: { id: options.id } }));
    return { before, after };
  });
}
