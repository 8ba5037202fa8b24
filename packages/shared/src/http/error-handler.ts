import type { NextFunction, Request, Response } from 'express';
import { AppError, RETRY_AFTER_SECONDS, toAppError } from '#errors/index.ts';
import { locals } from './request-context.ts';

/** Normalises an error reaching Express's terminal handler (body parser errors included). */
export function normalizeHttpError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (typeof error === 'object' && error !== null && 'type' in error) {
    const type = (error as { type: unknown }).type;
    if (type === 'entity.parse.failed') return toAppErrorBadRequest('malformed JSON body');
    if (type === 'entity.too.large') return new AppError('BAD_REQUEST', { message: 'request body too large', status: 413 });
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') return toAppErrorBadRequest('unsupported body encoding');
  }
  // Other client errors from Express and its parsers (http-errors: `status` 4xx), such as a
  // path parameter that is not valid percent-encoding.
  if (typeof error === 'object' && error !== null && 'status' in error) {
    const status = (error as { status: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return new AppError('BAD_REQUEST', { message: status === 400 ? 'malformed request' : 'request refused', status, cause: error });
    }
  }
  return toAppError(error);
}

function toAppErrorBadRequest(message: string): AppError {
  return new AppError('BAD_REQUEST', { message });
}

/**
 * Logs an error at the right level (4xx debug, 5xx error with the stack) and returns it
 * normalised; each app renders it in its own wire shape.
 */
export function logHttpError(error: unknown, res: { locals: Record<string, unknown> }): AppError {
  const appError = normalizeHttpError(error);
  const log = locals(res).log;
  if (appError.status >= 500) log.error({ err: appError.cause ?? appError, code: appError.code }, appError.message);
  else log.debug({ code: appError.code }, appError.message);
  return appError;
}

/**
 * The admin API's terminal error handler: `{code, message}` with the code's status, and
 * `Retry-After` on a 503 (the database is unavailable).
 * @example app.use(jsonErrorHandler);
 */
export function jsonErrorHandler(error: unknown, _req: Request, res: Response, _next: NextFunction): void {
  const appError = logHttpError(error, res);
  if (res.headersSent) return;
  if (appError.status === 503) res.set('Retry-After', String(RETRY_AFTER_SECONDS));
  res.status(appError.status).json(appError.toJSON());
}
