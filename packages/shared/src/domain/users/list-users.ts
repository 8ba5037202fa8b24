import type { PrismaDb } from '#db/create-database.ts';
import { toUserDetails, USER_DETAILS_INCLUDE, type UserDetails } from './find-user-details.ts';

export interface ListUsersOptions {
  /** Case-insensitive substring of the email or the display name; empty or absent matches everyone. */
  search?: string;
  /** Page size (the caller bounds it). */
  limit: number;
  /** The email of the last user of the previous page: this page starts after it. */
  afterEmail?: string;
}

export interface UserPage {
  users: UserDetails[];
  /** How many users match `search` in all (every page). */
  total: number;
  /** The `afterEmail` of the next page, or null when this is the last one. */
  nextAfterEmail: string | null;
}

/** `!` escapes LIKE's wildcards, so `_` and `%` in a search match themselves. */
function likePattern(search: string): string {
  return `%${search.toLowerCase().replace(/[!%_]/g, (char) => `!${char}`)}%`;
}

/**
 * One page of users ordered by email (keyset paging: a page is stable while users are
 * added before it). The search is `LOWER(column) LIKE pattern` in plain SQL, because
 * Prisma's case-insensitive mode exists only for PostgreSQL; SQLite's `LOWER` folds ASCII
 * letters only, so there non-ASCII letters match case-sensitively.
 * @example const { users, total, nextAfterEmail } = await listUsers(db.prisma, { search: 'ann', limit: 50 });
 */
export async function listUsers(prisma: PrismaDb, options: ListUsersOptions): Promise<UserPage> {
  const pattern = likePattern(options.search ?? '');
  // Every email sorts after '' (emails are never empty), so no cursor means "from the start".
  const after = options.afterEmail ?? '';
  const matches = await prisma.$queryRaw<{ id: string; email: string }[]>`
    SELECT id, email FROM users
    WHERE email > ${after}
      AND (LOWER(email) LIKE ${pattern} ESCAPE '!' OR LOWER(display_name) LIKE ${pattern} ESCAPE '!')
    ORDER BY email
    LIMIT ${options.limit + 1}`;
  const [counted] = await prisma.$queryRaw<{ total: bigint | number }[]>`
    SELECT COUNT(*) AS total FROM users
    WHERE LOWER(email) LIKE ${pattern} ESCAPE '!' OR LOWER(display_name) LIKE ${pattern} ESCAPE '!'`;
  const page = matches.slice(0, options.limit);
  const rows = await prisma.user.findMany({ where: { id: { in: page.map((match) => match.id) } }, include: USER_DETAILS_INCLUDE });
  const byId = new Map(rows.map((row) => [row.id, toUserDetails(row)]));
  return {
    // The order of the keyset query; a user deleted in between simply drops out.
    users: page.flatMap((match) => byId.get(match.id) ?? []),
    total: Number(counted?.total ?? 0),
    nextAfterEmail: matches.length > options.limit ? (page.at(-1)?.email ?? null) : null,
  };
}
