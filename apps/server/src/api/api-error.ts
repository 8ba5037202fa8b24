import { AppError } from '@dex/shared/errors';
import { sendJson, type WorkerResponse } from '#http/respond.ts';

/**
 * An error of the worker API v1, in dex v0's catalogue (reference §2.14): the JSON body is
 * `{"error": code, "error_description": text}`, as the OAuth endpoints answer.
 */
export class ApiError extends Error {
  readonly error: string;
  readonly status: number;
  constructor(error: string, status: number, description: string) {
    super(description);
    this.error = error;
    this.status = status;
  }
}

/** The v0 code of each AppError code the stores throw (their messages are the descriptions). */
const V0_CODES: Readonly<Partial<Record<AppError['code'], string>>> = {
  BAD_REQUEST: 'bad_request',
  UNAUTHORIZED: 'unauthorized',
  FORBIDDEN: 'forbidden',
  NOT_FOUND: 'resource_not_found',
  CONFLICT: 'conflict',
};

/**
 * The API error for what a handler threw, or undefined for an unexpected failure, which the
 * router logs and answers as `server_error` (a database outage: 503 `temporarily_unavailable`).
 */
export function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof AppError) {
    const code = V0_CODES[error.code];
    if (code === undefined) return undefined;
    // Keep v0's names where the store's message says which one it is.
    const specific =
      error.code === 'CONFLICT' && /email/i.test(error.message)
        ? 'duplicate_email'
        : error.code === 'BAD_REQUEST' && /email/i.test(error.message)
          ? 'invalid_email'
          : code;
    return new ApiError(specific, error.status, error.message);
  }
  return undefined;
}

export function sendApiError(res: WorkerResponse, error: ApiError): void {
  if (error.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="dex"');
  sendJson(res, error.status, { error: error.error, error_description: error.message });
}
