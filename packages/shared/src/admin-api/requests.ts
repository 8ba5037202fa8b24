/**
 * Server-side helpers of the admin API contract, for the overlord's admin API and the
 * worker API v1 alike (Node only: the console's renderer imports the contract, not these).
 */
export { decodeCursor, encodeCursor } from './page-cursor.ts';
export { parseBody, parseQuery } from './parse-request.ts';
