import type { ErrorRequestHandler, Response } from 'express';
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
export function toOAuthError(error: unknown, res: Response): OAuthError {
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
 * Renders an error of a client-authenticated endpoint (revocation, introspection) as RFC
 * 6749 §5.2 JSON, uncached; `invalid_client` carries the `WWW-Authenticate: Basic`
 * challenge, as at the token endpoint.
 */
function sendOAuthError(res: Response, error: OAuthError): void {
  res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
  if (error.error === 'invalid_client') res.set('WWW-Authenticate', 'Basic realm="dex", charset="UTF-8"');
  res.status(error.status).json(error.toJSON());
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
