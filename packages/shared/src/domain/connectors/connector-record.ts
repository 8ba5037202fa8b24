import type { PrismaDb } from '#db/create-database.ts';
import { AppError } from '#errors/index.ts';
import type { ConnectorType, TConnectorConfig } from './connector-config.ts';
import { type ConnectorConfigProblem, formatConnectorProblem } from './check-connector-config.ts';

/** A stored connector: its dex v0 config (secrets in clear: mask them before they leave) and its place on the login page. */
export interface ConnectorRecord {
  id: string;
  type: ConnectorType;
  /** 0-based index in the login-page order. */
  position: number;
  /** The whole dex v0 config, `id` and `type` included. */
  config: TConnectorConfig;
  createdAt: Date;
  updatedAt: Date;
}

interface ConnectorRow {
  id: string;
  type: string;
  config: string;
  position: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The login-page order: position, then id. */
export const CONNECTOR_ORDER = [{ position: 'asc' }, { id: 'asc' }] as const;

/** A Prisma transaction client. */
export type Tx = Parameters<Parameters<PrismaDb['$transaction']>[0]>[0];

/**
 * A stored row as a record, its config rebuilt from the columns and the JSON.
 * @example toConnectorRecord(await tx.connectorConfig.findUniqueOrThrow({ where: { id } }))
 */
export function toConnectorRecord(row: ConnectorRow): ConnectorRecord {
  // Rows are validated when written, as listConnectorConfigs assumes too.
  const config = { ...(JSON.parse(row.config) as object), id: row.id, type: row.type } as TConnectorConfig;
  return { id: row.id, type: config.type, position: row.position, config, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

/**
 * A config as stored: `id` and `type` are columns, the rest is JSON.
 * @example toConnectorColumns({ type: 'local', id: 'local' }) // { id: 'local', type: 'local', config: '{}' }
 */
export function toConnectorColumns(config: TConnectorConfig): { id: string; type: string; config: string } {
  const { id, type, ...rest } = config;
  return { id, type, config: JSON.stringify(rest) };
}

/**
 * Gives the connectors `ids` (every stored id, in the wanted order) the positions 0..n-1,
 * touching only rows whose position changes.
 * @example await applyConnectorOrder(tx, ['local', 'github'])
 */
export async function applyConnectorOrder(tx: Tx, ids: readonly string[]): Promise<void> {
  const rows = await tx.connectorConfig.findMany({ select: { id: true, position: true } });
  const current = new Map(rows.map((row) => [row.id, row.position]));
  for (const [position, id] of ids.entries()) {
    if (current.get(id) !== position) await tx.connectorConfig.update({ where: { id }, data: { position } });
  }
}

/**
 * Moves `id` to `position` (clamped to the list) in an ordered list of ids.
 * @example moveId(['a', 'b', 'c'], 'c', 0) // ['c', 'a', 'b']
 */
export function moveId(ids: readonly string[], id: string, position: number): string[] {
  const rest = ids.filter((other) => other !== id);
  const index = Math.max(0, Math.min(position, rest.length));
  return [...rest.slice(0, index), id, ...rest.slice(index)];
}

/**
 * A checked value, or BAD_REQUEST naming the first problem (`clientSecret is required`).
 * @example const config = validOrThrow(checked.config, checked.problems);
 */
export function validOrThrow<T>(value: T | null, problems: readonly ConnectorConfigProblem[], options: { prefix?: string } = {}): T {
  const [first] = problems;
  if (first === undefined && value !== null) return value;
  throw new AppError('BAD_REQUEST', { message: first === undefined ? 'invalid connector config' : formatConnectorProblem(first, options) });
}
