import { z } from 'zod';

/** Page sizes of the admin API's list endpoints. */
export const PAGE_LIMIT = Object.freeze({ min: 1, max: 100, default: 50 });

const LIMIT_MESSAGE = `limit must be an integer from ${PAGE_LIMIT.min} to ${PAGE_LIMIT.max}`;

/**
 * The `limit` query parameter: decimal digits only (no `1e2`, no `0x10`), within
 * {@link PAGE_LIMIT}, defaulting to 50. Every failure names the parameter.
 */
export const ZPageLimit = z
  .string({ error: LIMIT_MESSAGE })
  .regex(/^\d{1,3}$/, { error: LIMIT_MESSAGE })
  .transform(Number)
  .pipe(z.number().min(PAGE_LIMIT.min, { error: LIMIT_MESSAGE }).max(PAGE_LIMIT.max, { error: LIMIT_MESSAGE }))
  .default(PAGE_LIMIT.default);

/** The `cursor` query parameter: opaque, as the previous page's `nextCursor` gave it. */
export const ZPageCursor = z
  .string({ error: 'cursor must be a single string' })
  .min(1, { error: 'cursor must not be empty' })
  .max(1000, { error: 'cursor is invalid' });

/**
 * A time-window query parameter (`since`, `until`): ISO 8601 with `Z` or an offset; every
 * failure names the parameter.
 */
export function zInstantParam(name: string) {
  return z
    .string({ error: `${name} must be an ISO 8601 date-time` })
    .pipe(z.iso.datetime({ offset: true, error: `${name} must be an ISO 8601 date-time` }));
}

/** An exact-match filter query parameter: one non-empty string of at most `maxLength` characters. */
export function zFilterParam(name: string, maxLength: number) {
  return z
    .string({ error: `${name} must be a single string` })
    .min(1, { error: `${name} must not be empty` })
    .max(maxLength, { error: `${name} must be at most ${maxLength} characters` });
}
