import type { ClientRecord } from '@dex/shared/domain/clients';
import { OAuthError, type OAuthErrorCode } from '@dex/shared/errors';
import type { ResponseMode } from '../redirect.ts';

/** The parameters of an authorization request, each given at most once. */
export type AuthorizeParams = Readonly<Record<string, string>>;

/** What the checks learn about a request as they run, in order. */
export interface AuthorizeRequest {
  params: AuthorizeParams;
  client?: ClientRecord;
  redirectUri?: string;
  /** Whether the request named its redirect URI (else the client's only one is used). */
  redirectUriGiven?: boolean;
  /** How the response reaches the client (`response_mode`, default `query`). */
  responseMode?: ResponseMode;
  scopes?: string[];
  /** Clients (other than the requester) named by `audience:server:client_id:` scopes. */
  audiences?: string[];
  codeChallenge?: string;
  codeChallengeMethod?: string;
  /** `prompt` values (OIDC Core §3.1.2.1). */
  prompts?: ReadonlySet<string>;
  /** `max_age` in seconds, when given. */
  maxAgeSeconds?: number;
}

/**
 * A failed check. Until the redirect URI is known to be registered, the user sees an error
 * page (`redirect: false`): an unverified redirect URI is never followed.
 */
export class AuthorizeError extends OAuthError {
  readonly redirect: boolean;
  constructor(error: OAuthErrorCode, description: string, options: { redirect: boolean }) {
    super(error, description);
    this.redirect = options.redirect;
  }
}

export type AuthorizeCheck = (request: AuthorizeRequest, deps: AuthorizeCheckDeps) => Promise<void> | void;

export interface AuthorizeCheckDeps {
  findClient(id: string): Promise<ClientRecord | null>;
  /** The worker's own device-approval callback, a redirect URI every client may use (RFC 8628 logins). */
  deviceCallbackUri?: string;
}
