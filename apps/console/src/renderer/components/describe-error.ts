import { AppError } from '@dex/shared/errors';

export interface ErrorDescription {
  /** A short heading: what kind of failure this is. */
  title: string;
  /** The error's own message (never a stack). */
  detail: string;
  /** The admin secret was refused: the way out is signing in again. */
  isUnauthorized: boolean;
}

/**
 * What to tell an admin about a failure. The admin client's messages already say what
 * happened and where; this adds the kind of failure as a heading.
 * @example describeError(AppError.fromJSON({ code: 'UNAUTHORIZED', message: '...' })).title // 'The overlord refused the admin secret'
 */
export function describeError(error: unknown): ErrorDescription {
  const detail = error instanceof Error ? error.message : String(error);
  if (!(error instanceof AppError)) return { title: 'Something went wrong', detail, isUnauthorized: false };
  switch (error.code) {
    case 'UNAUTHORIZED':
      return { title: 'The overlord refused the admin secret', detail, isUnauthorized: true };
    case 'NOT_FOUND':
      return { title: 'Not found', detail, isUnauthorized: false };
    case 'BAD_REQUEST':
    case 'INVALID_CONFIG':
      return { title: 'The request was refused', detail, isUnauthorized: false };
    case 'CONFLICT':
      return { title: 'Conflict', detail, isUnauthorized: false };
    case 'DATABASE_UNREACHABLE':
      return { title: 'The overlord cannot reach its database', detail, isUnauthorized: false };
    default:
      if (/cannot reach|did not answer/.test(detail)) return { title: 'The overlord cannot be reached', detail, isUnauthorized: false };
      return { title: 'The overlord reported an error', detail, isUnauthorized: false };
  }
}
