import { AppError, type AppErrorCode } from './app-error.ts';

/**
 * The error codes the protocol endpoints answer with: RFC 6749 §4.1.2.1 and §5.2, OIDC Core
 * §3.1.2.6, RFC 6750 §3.1 (bearer-protected resources), RFC 7009 §2.2.1 (revocation) and
 * RFC 7591 §3.2.2 (registration), RFC 8707 §2 (`invalid_target`, resource indicators) and
 * RFC 8628 §3.5 (device authorization polling).
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'login_required'
  | 'consent_required'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'invalid_target'
  | 'authorization_pending'
  | 'slow_down'
  | 'expired_token';

/**
 * The HTTP status of each code when it is answered directly rather than by redirect (the only
 * place this mapping lives). A few answers override it: 405, 413 and 415 for requests refused
 * before any protocol rule applies.
 */
export const OAUTH_STATUS_BY_CODE: Readonly<Record<OAuthErrorCode, number>> = Object.freeze({
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  unsupported_response_type: 400,
  invalid_scope: 400,
  access_denied: 400,
  login_required: 400,
  consent_required: 400,
  request_not_supported: 400,
  request_uri_not_supported: 400,
  server_error: 500,
  temporarily_unavailable: 503,
  invalid_token: 401,
  insufficient_scope: 403,
  invalid_redirect_uri: 400,
  invalid_client_metadata: 400,
  invalid_target: 400,
  authorization_pending: 400,
  slow_down: 400,
  expired_token: 400,
});

/** The AppError code an OAuth error carries, from its status. */
function appCodeFor(status: number): AppErrorCode {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 503) return 'DATABASE_UNREACHABLE';
  return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
}

export interface OAuthErrorOptions {
  /** Overrides the status of the code (405, 413, 415, ...). */
  status?: number;
  cause?: unknown;
}

/**
 * A protocol error: rendered as `{error, error_description}` JSON by the machine endpoints
 * and as redirect parameters (or an error page) by the authorization endpoint. Like node
 * oidc-provider's errors it is exposed, description included: every one is written for the
 * client. The one exception is `server_error`, whose cause stays in the log and whose
 * description is generic.
 * @example throw new OAuthError('invalid_grant', 'the authorization code is invalid or expired');
 */
export class OAuthError extends AppError {
  override readonly name = 'OAuthError';
  readonly error: OAuthErrorCode;

  constructor(error: OAuthErrorCode, description: string, options: OAuthErrorOptions = {}) {
    const status = options.status ?? OAUTH_STATUS_BY_CODE[error];
    const expose = error !== 'server_error';
    super(appCodeFor(status), {
      message: description,
      status,
      expose,
      ...(expose ? {} : { userMessage: 'internal server error' }),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.error = error;
  }

  /** The RFC 6749 §5.2 body: the code and what the client may read of the description. */
  toOAuthJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.userMessage };
  }
}

/** What a database failure means for a caller: the store is down (503), or anything else. */
const UNAVAILABLE_ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'DatabaseDoesNotExist',
  'DatabaseAccessDenied',
  'AuthenticationFailed',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);
/** Prisma's codes for a database it cannot reach or that stopped answering. */
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1003', 'P1008', 'P1010', 'P1011', 'P1017', 'P2024', 'P2037']);
/**
 * Node's socket errors, PostgreSQL's SQLSTATEs of class 08 and 57P0x, a statement cancelled by
 * `statement_timeout` (57014) or a lock not obtained within `lock_timeout` (55P03), SQLite's
 * lock and I/O failures.
 */
const UNAVAILABLE_CODE =
  /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|08\w{3}|57P0\d|57014|55P03|53300|SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|PROTOCOL)\w*)$/;
/** `pg`'s own messages for a lost or unobtainable connection, which carry no code. */
const UNAVAILABLE_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection terminated unexpectedly)/;

/**
 * Whether an error says the database is unreachable or overloaded (rather than that a query
 * was wrong): Prisma's connection errors and driver-adapter error kinds, `pg`'s and Node's
 * socket errors, PostgreSQL shutting down, SQLite locked past its retries. Walks `cause` and
 * Prisma's `meta.driverAdapterError`.
 * @example if (isDatabaseUnavailable(error)) throw new OAuthError('temporarily_unavailable', '...');
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const { code, kind, message, meta, cause } = current as {
      code?: unknown;
      kind?: unknown;
      message?: unknown;
      meta?: { driverAdapterError?: { cause?: unknown } };
      cause?: unknown;
    };
    if (typeof kind === 'string' && UNAVAILABLE_ADAPTER_KINDS.has(kind)) return true;
    if (typeof code === 'string' && (UNAVAILABLE_PRISMA_CODES.has(code) || UNAVAILABLE_CODE.test(code))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    current = meta?.driverAdapterError?.cause ?? cause;
  }
  return false;
}
