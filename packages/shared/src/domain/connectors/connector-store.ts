import type { PrismaDb } from '#db/create-database.ts';
import { isUniqueViolation } from '../prisma-errors.ts';
import { parseConnectorConfigs, type TConnectorConfig } from './connector-config.ts';

/**
 * How often a replacement is run again after a collision. A collision means another
 * replacement committed during this one (an insert that waited on an uncommitted row fails only
 * once that row's transaction commits), and the next run's delete sees its rows: so a
 * replacement fails at most once per replacement running beside it. This bounds the writers at
 * the same moment, far above what scripts and admins reach.
 */
const REPLACE_ATTEMPTS = 100;

/**
 * Replaces every connector config in one transaction (dex v0 `ConnectorConfigRepo.Set`),
 * keeping the given order as the login-page order. Replacements at the same moment all
 * succeed, each whole, the last to commit winning. (On PostgreSQL the delete of one cannot see
 * the rows another has just inserted, so its insert hits their ids: it is run again, and then
 * it sees them.)
 * @example await setConnectorConfigs(db.prisma, [{ type: 'local', id: 'local' }])
 */
export async function setConnectorConfigs(prisma: PrismaDb, configs: readonly TConnectorConfig[]): Promise<number> {
  const valid = parseConnectorConfigs(configs);
  const data = valid.map((config, position) => {
    const { id, type, ...rest } = config;
    return { id, type, position, config: JSON.stringify(rest) };
  });
  for (let attempt = 1; ; attempt++) {
    try {
      await prisma.$transaction([prisma.connectorConfig.deleteMany({}), prisma.connectorConfig.createMany({ data })]);
      return valid.length;
    } catch (error) {
      if (attempt >= REPLACE_ATTEMPTS || !isUniqueViolation(error)) throw error;
    }
  }
}

/**
 * All connector configs in login-page order (position, then id), in dex v0 JSON shape.
 * @example (await listConnectorConfigs(db.prisma)).map((c) => c.id)
 */
export async function listConnectorConfigs(prisma: PrismaDb): Promise<TConnectorConfig[]> {
  const rows = await prisma.connectorConfig.findMany({ orderBy: [{ position: 'asc' }, { id: 'asc' }] });
  return rows.map((row) => ({ ...(JSON.parse(row.config) as object), id: row.id, type: row.type }) as TConnectorConfig);
}

/** The newest change time of the connector table, so workers can notice edits cheaply. */
export async function connectorConfigsVersion(prisma: PrismaDb): Promise<string> {
  const agg = await prisma.connectorConfig.aggregate({ _max: { updatedAt: true }, _count: { id: true } });
  return `${agg._count.id}:${agg._max.updatedAt?.getTime() ?? 0}`;
}
