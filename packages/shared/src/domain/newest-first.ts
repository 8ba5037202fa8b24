/** Where a newest-first list stopped: the last row's time and id (ids break ties in time). */
export interface TimePosition {
  at: Date;
  id: string;
}

/** The order of a newest-first list: by time, then by id, both descending. */
export const NEWEST_FIRST = [{ at: 'desc' as const }, { id: 'desc' as const }];

/**
 * The `where` part that keeps only rows after `after` in newest-first order, so that paging
 * neither skips nor repeats rows written in the same millisecond.
 * @example prisma.auditEvent.findMany({ where: { ...olderThan(after), action }, orderBy: NEWEST_FIRST, take: limit + 1 })
 */
export function olderThan(after: TimePosition | undefined) {
  return after === undefined ? {} : { OR: [{ at: { lt: after.at } }, { at: after.at, id: { lt: after.id } }] };
}

/**
 * Splits the `limit + 1` rows of a query into the page and the position of the next page
 * (null when the extra row was not there: this page is the last).
 * @example const { page, next } = splitPage(rows, 50);
 */
export function splitPage<Row extends TimePosition>(rows: readonly Row[], limit: number): { page: Row[]; next: TimePosition | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, next: rows.length > limit && last !== undefined ? { at: last.at, id: last.id } : null };
}
