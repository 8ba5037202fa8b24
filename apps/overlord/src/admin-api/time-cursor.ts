import { decodeCursor, encodeCursor } from '@dex/shared/admin-api/requests';
import { z } from 'zod';

/** Newest-first lists (audit log, login events) are paged by the time and id of a page's last entry. */
const ZTimeCursor = z.strictObject({ at: z.iso.datetime(), id: z.string().min(1) });

/** A position in a newest-first list. */
export interface TimePosition {
  at: Date;
  id: string;
}

/**
 * Reads the `cursor` query parameter of a newest-first list (BAD_REQUEST `cursor is invalid` when it was not made by {@link writeTimeCursor}).
 * @example readTimeCursor(query.cursor) // undefined, or { at: Date, id: '…' }
 */
export function readTimeCursor(cursor: string | undefined): TimePosition | undefined {
  if (cursor === undefined) return undefined;
  const position = decodeCursor(ZTimeCursor, cursor);
  return { at: new Date(position.at), id: position.id };
}

/**
 * The `nextCursor` of a page: null on the last one.
 * @example writeTimeCursor(page.next) // 'eyJhdCI6…' or null
 */
export function writeTimeCursor(next: TimePosition | null): string | null {
  return next === null ? null : encodeCursor({ at: next.at.toISOString(), id: next.id });
}

/** An optional ISO date-time query parameter as a Date. */
export function optionalDate(value: string | undefined): Date | undefined {
  return value === undefined ? undefined : new Date(value);
}
