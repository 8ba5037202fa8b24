/**
 * The one error model of the project. Protocol endpoints render it as RFC 6749
 * `{error, error_description}`, the admin API as `{code, message}`, dexctl as a message
 * on stderr with a non-zero exit code.
 */
export type AppErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INVALID_CONFIG'
  | 'DATABASE_UNREACHABLE'
  | 'KEYS_UNDECRYPTABLE'
  | 'NOT_IMPLEMENTED'
  | 'INTERNAL';

/** HTTP status of each code (the only place this mapping lives). */
export const STATUS_BY_CODE: Readonly<Record<AppErrorCode, number>> = Object.freeze({
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_CONFIG: 400,
  DATABASE_UNREACHABLE: 503,
  KEYS_UNDECRYPTABLE: 500,
  NOT_IMPLEMENTED: 501,
  INTERNAL: 500,
});

export interface AppErrorOptions {
  /** What went wrong, for operators and logs. Never contains secrets. */
  message: string;
  /** What the caller may be told; defaults to `message` for 4xx, a generic text for 5xx. */
  userMessage?: string;
  /** Overrides the status derived from the code. */
  status?: number;
  /** Overrides whether `userMessage` may be sent (default: only for statuses below 500). */
  expose?: boolean;
  cause?: unknown;
}

export interface AppErrorJson {
  code: AppErrorCode;
  message: string;
}

export class AppError extends Error {
  override readonly name: string = 'AppError';
  readonly code: AppErrorCode;
  readonly status: number;
  readonly userMessage: string;
  /** Whether `userMessage` may be sent to the client (false for 5xx). */
  readonly expose: boolean;

  constructor(code: AppErrorCode, options: AppErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? STATUS_BY_CODE[code];
    this.expose = options.expose ?? this.status < 500;
    this.userMessage = options.userMessage ?? (this.expose ? options.message : 'internal server error');
  }

  toJSON(): AppErrorJson {
    return { code: this.code, message: this.userMessage };
  }

  /**
   * Rebuilds an error received over the wire (admin API, IPC).
   * @example AppError.fromJSON({ code: 'NOT_FOUND', message: 'client not found' })
   */
  static fromJSON(json: AppErrorJson, status?: number): AppError {
    return new AppError(json.code, { message: json.message, ...(status === undefined ? {} : { status }) });
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
