import { AppError } from './app-error.ts';
import { isDatabaseUnavailable } from './oauth-error.ts';

/**
 * How long a caller should wait before trying again after a 503 (the database is unavailable),
 * sent as `Retry-After` by the worker and the admin API alike.
 */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Normalises anything thrown into an AppError. A database that cannot be reached becomes
 * DATABASE_UNREACHABLE (503: try again later); other unknown errors become INTERNAL. Both keep
 * the original as `cause` for the log; their text is never exposed to callers.
 * @example toAppError(new Error('boom')).code // 'INTERNAL'
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isDatabaseUnavailable(error)) {
    return new AppError('DATABASE_UNREACHABLE', {
      message,
      userMessage: 'the database is unavailable; try again shortly',
      expose: true,
      cause: error,
    });
  }
  return new AppError('INTERNAL', { message, cause: error });
}
