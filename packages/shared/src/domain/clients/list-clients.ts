import type { PrismaDb } from '#db/create-database.ts';
import { CLIENT_INCLUDE, type ClientRecord, toClientRecord } from './types.ts';

export interface ListClientsOptions {
  /** Keeps clients whose id or name contains this text, ignoring case. */
  query?: string;
  /** Page size (the caller bounds it). */
  limit: number;
  /** The last id of the previous page; the page starts after it. */
  after?: string;
}

export interface ClientPage {
  clients: ClientRecord[];
  /** How many clients match the query, on every page. */
  total: number;
  /** The id to pass as `after` for the next page, or null on the last page. */
  nextAfter: string | null;
}

/** `!` escapes LIKE's wildcards and itself; SQLite and PostgreSQL both accept `ESCAPE '!'`. */
function likePattern(query: string): string {
  return `%${query.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

/**
 * One page of clients ordered by id (keyset paging: `after` is the last id seen), with the
 * number of matches. The search is a case-insensitive substring match on id and name that
 * runs the same on SQLite and PostgreSQL: `LOWER(column) LIKE` a lower-cased pattern
 * (Prisma's `mode: 'insensitive'` exists only for PostgreSQL). SQLite's `LOWER` folds ASCII
 * letters only.
 * @example const { clients, total, nextAfter } = await listClients(db.prisma, { query: 'app', limit: 50 });
 */
export async function listClients(prisma: PrismaDb, options: ListClientsOptions): Promise<ClientPage> {
  const pattern = likePattern(options.query ?? '');
  // Every id is at least one character long, so `id > ''` keeps them all on the first page.
  const after = options.after ?? '';
  const [ids, counted] = await Promise.all([
    prisma.$queryRaw<{ id: string }[]>`
      SELECT "id" FROM "clients"
      WHERE (LOWER("id") LIKE ${pattern} ESCAPE '!' OR LOWER("name") LIKE ${pattern} ESCAPE '!') AND "id" > ${after}
      ORDER BY "id" LIMIT ${options.limit + 1}`,
    prisma.$queryRaw<{ total: bigint | number }[]>`
      SELECT COUNT(*) AS "total" FROM "clients"
      WHERE LOWER("id") LIKE ${pattern} ESCAPE '!' OR LOWER("name") LIKE ${pattern} ESCAPE '!'`,
  ]);
  const pageIds = ids.slice(0, options.limit).map((row) => row.id);
  // The same ORDER BY "id" as above, so both queries agree on the database's collation.
  const rows =
    pageIds.length === 0
      ? []
      : await prisma.client.findMany({ where: { id: { in: pageIds } }, include: CLIENT_INCLUDE, orderBy: { id: 'asc' } });
  return {
    clients: rows.map(toClientRecord),
    total: Number(counted[0]?.total ?? 0),
    nextAfter: ids.length > options.limit ? (pageIds.at(-1) ?? null) : null,
  };
}
