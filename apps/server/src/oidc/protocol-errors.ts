import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler } from 'express';
import { logHttpError } from '@dex/shared/http';
import { OAuthError } from './oauth-error.ts';

/** What the client is told for each body-parser failure (`type` of its http-errors). */
const BODY_ERRORS: ReadonlyMap<string, string> = new Map([
  ['entity.parse.failed', 'malformed request body'],
  ['entity.too.large', 'request body too large'],
  ['parameters.too.many', 'too many parameters'],
  ['charset.unsupported', 'unsupported body charset'],
  ['encoding.unsupported', 'unsupported body encoding'],
  ['request.size.invalid', 'request size did not match content length'],
  ['request.aborted', 'request aborted'],
]);

/** A client error raised by the body parser (http-errors: 4xx `status`, `expose`), if it is one. */
function bodyParserError(error: unknown): { type: string; status: number } | null {
  if (typeof error !== 'object' || error === null) return null;
  const { status, expose, type } = error as { status?: unknown; expose?: unknown; type?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500 || expose !== true) return null;
  return { type: typeof type === 'string' ? type : '', status };
}

/**
 * Anything thrown on a protocol route, as the OAuthError the client sees: protocol errors
 * as they are, a body the parser refused as `invalid_request` (never a 5xx), and any other
 * failure as a logged `server_error` whose details stay in the log.
 * @example const oauthError = toOAuthError(error, res);
 */
export function toOAuthError(error: unknown, res: { locals: Record<string, unknown> }): OAuthError {
  if (error instanceof OAuthError) return error;
  const parserError = bodyParserError(error);
  if (parserError !== null) {
    // 413 for a body over the size limit; anything else the parser refused is a plain 400.
    const status = parserError.type === 'entity.too.large' ? 413 : 400;
    return new OAuthError('invalid_request', BODY_ERRORS.get(parserError.type) ?? 'malformed request body', status);
  }
  const appError = logHttpError(error, res);
  return appError.expose
    ? new OAuthError('invalid_request', appError.userMessage)
    : new OAuthError('server_error', 'internal server error', appError.status);
}

/**
 * Sends a JSON answer that no cache may keep (RFC 6749 §5.1), as the protocol endpoints do:
 * written with node:http directly (no ETag: nothing may reuse it).
 */
export function sendUncachedJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/**
 * Renders an error of a client-authenticated endpoint (token, revocation, introspection) as
 * RFC 6749 §5.2 JSON, uncached; `invalid_client` carries the `WWW-Authenticate: Basic`
 * challenge.
 */
export function sendOAuthError(res: ServerResponse, error: OAuthError): void {
  if (error.error === 'invalid_client') res.setHeader('WWW-Authenticate', 'Basic realm="dex", charset="UTF-8"');
  sendUncachedJson(res, error.status, error.toJSON());
}

/**
 * Route-level error handler of the revocation and introspection endpoints: placed after
 * the body parser and the handler in the route's stack, it answers their failures (a
 * refused body included) as OAuth JSON instead of the app's HTML error page.
 */
export const oauthJsonErrors: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  sendOAuthError(res, toOAuthError(error, res));
};
