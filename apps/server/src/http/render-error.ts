import type { ServerResponse } from 'node:http';
import { type AppError, OAuthError, RETRY_AFTER_SECONDS, toAppError } from '@dex/shared/errors';
import type { Logger } from '@dex/shared/logging';
import { sendJson } from './respond.ts';

/**
 * Anything thrown while answering a request, as the OAuth error the client sees, logged on the
 * way: protocol errors as they are (debug), an AppError by its meaning (a database outage is
 * 503 `temporarily_unavailable`, another 4xx `invalid_request`), and any other failure as a
 * `server_error` whose details stay in the log (error, with the stack).
 * @example const oauthError = toOAuthError(error, log);
 */
export function toOAuthError(error: unknown, log: Logger): OAuthError {
  const normalized = asOAuthError(error);
  if (normalized.status >= 500) log.error({ err: normalized.cause ?? normalized, code: normalized.error }, normalized.message);
  else log.debug({ code: normalized.error }, normalized.message);
  return normalized;
}

/**
 * What the client is told for anything thrown, without logging (see `toOAuthError`).
 * @example metrics.grants.inc({ grant_type, outcome: asOAuthError(error).error });
 */
export function asOAuthError(error: unknown): OAuthError {
  return error instanceof OAuthError ? error : fromAppError(toAppError(error));
}

function fromAppError(error: AppError): OAuthError {
  if (error.code === 'DATABASE_UNREACHABLE') {
    return new OAuthError('temporarily_unavailable', 'the service is temporarily unavailable; try again shortly', { cause: error });
  }
  if (error.status >= 500) return new OAuthError('server_error', error.message, { cause: error });
  return new OAuthError('invalid_request', error.userMessage, { status: error.status, cause: error });
}

/** How a route proves who calls it, which decides the challenge its errors carry. */
export type Challenge = 'basic' | 'bearer';

/** Statuses whose errors carry an RFC 6750 §3 challenge (not a 405 or a server error). */
const BEARER_CHALLENGED: ReadonlySet<number> = new Set([400, 401, 403, 413, 415]);

/** Drops what a quoted-string in `WWW-Authenticate` cannot hold (RFC 6750 §3: %x20-21 / %x23-5B / %x5D-7E). */
function quotable(text: string): string {
  return text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '');
}

/**
 * The JSON renderer of every machine endpoint: RFC 6749 §5.2 `{error, error_description}`,
 * uncached, with `Retry-After` on a 503 and the challenge of the route's authentication:
 * `Basic` for `invalid_client` (§5.2), or an RFC 6750 §3 `Bearer` challenge naming the error.
 * @example sendOAuthError(res, new OAuthError('invalid_grant', 'the code expired'), 'basic');
 */
export function sendOAuthError(res: ServerResponse, error: OAuthError, challenge?: Challenge): void {
  if (challenge === 'basic' && error.error === 'invalid_client') res.setHeader('WWW-Authenticate', 'Basic realm="dex", charset="UTF-8"');
  if (challenge === 'bearer' && BEARER_CHALLENGED.has(error.status)) {
    const bearer = `Bearer realm="dex", error="${error.error}", error_description="${quotable(error.userMessage)}"`;
    res.setHeader('WWW-Authenticate', error.error === 'insufficient_scope' ? `${bearer}, scope="openid"` : bearer);
  }
  if (error.status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  sendJson(res, error.status, error.toOAuthJSON());
}

const PAGE_TITLES: Readonly<Record<number, string>> = {
  400: 'Invalid request',
  404: 'Not found',
  405: 'Method not allowed',
  408: 'Request timeout',
  413: 'Request too large',
  415: 'Unsupported request',
  503: 'Service unavailable',
};

/** The page an HTML route shows for an error: a title for its status and what the user may read. */
export function errorPageFor(error: OAuthError): { status: number; title: string; message: string } {
  const title = PAGE_TITLES[error.status] ?? (error.status >= 500 ? 'Server error' : 'Request refused');
  const message = error.status >= 500 && error.status !== 503 ? 'Something went wrong on our side. Try again later.' : error.userMessage;
  return { status: error.status, title, message };
}

/** Sets what a 503 page needs besides its body. */
export function markUnavailable(res: ServerResponse, status: number): void {
  if (status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
}
