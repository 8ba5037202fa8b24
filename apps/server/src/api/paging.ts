import { decodeCursor, encodeCursor } from '@dex/shared/admin-api/requests';
import type { z } from 'zod';
import { param } from '#http/params.ts';
import type { WorkerRequest } from '#http/request.ts';
import { ApiError } from './api-error.ts';

/** dex v0's page size: 20 unless `maxResults` says otherwise, at most 100 (`max_results_too_high`). */
const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;

/**
 * The `maxResults` and `nextPageToken` query parameters of a list (v0 §2.14). The token is
 * opaque to callers: the position the previous page stopped at, checked against `schema`.
 */
export function readPage<S extends z.ZodType>(req: WorkerRequest, schema: S): { limit: number; after: z.output<S> | undefined } {
  const max = param(req.query, 'maxResults');
  if (max !== undefined && !/^\d{1,4}$/.test(max)) throw new ApiError('bad_request', 400, 'maxResults must be a whole number');
  const limit = max === undefined || max === '0' ? DEFAULT_PAGE : Number(max);
  if (limit > MAX_PAGE) throw new ApiError('max_results_too_high', 400, `maxResults must be at most ${MAX_PAGE}`);
  const token = param(req.query, 'nextPageToken');
  return { limit, after: token === undefined || token === '' ? undefined : decodeCursor(schema, token) };
}

/** The `nextPageToken` of a page that stopped at `position` (omitted on the last page). */
export function nextPage(position: unknown): { nextPageToken?: string } {
  return position === null || position === undefined ? {} : { nextPageToken: encodeCursor(position) };
}
