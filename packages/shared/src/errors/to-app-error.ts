import { AppError } from './app-error.ts';

/**
 * Normalises anything thrown into an AppError. Unknown errors become INTERNAL and keep
 * the original as `cause` for the log; their text is never exposed to callers.
 * @example toAppError(new Error('boom')).code // 'INTERNAL'
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AppError('INTERNAL', { message, cause: error });
}
