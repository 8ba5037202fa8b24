/** Error codes of RFC 6749 §4.1.2.1 and §5.2 (and OIDC Core §3.1.2.6, RFC 6750, RFC 7009) the worker emits. */
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
  | 'server_error'
  | 'temporarily_unavailable'
  /** RFC 6750 §3.1 (userinfo): 401 and 403, passed explicitly. */
  | 'invalid_token'
  | 'insufficient_scope'
  /** RFC 7009 §2.2.1 (revocation). */
  | 'unsupported_token_type';

/**
 * A protocol error, rendered as `{error, error_description}` at the token endpoint and as
 * redirect parameters (or an error page) at the authorization endpoint.
 */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  readonly error: OAuthErrorCode;
  readonly status: number;

  constructor(error: OAuthErrorCode, description: string, status?: number) {
    super(description);
    this.error = error;
    this.status = status ?? (error === 'invalid_client' ? 401 : error === 'server_error' ? 500 : 400);
  }

  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.message };
  }
}
