import * as oidc from 'openid-client';

export interface UpstreamDiscoveryOptions {
  issuerURL: string;
  clientID: string;
  clientSecret: string;
  /** How long discovered metadata is used before it is fetched again (default 24 h). */
  maxAgeMs?: number;
  /** After a failed refresh, how long the old metadata is used before the next try (default 1 min). */
  retryAfterMs?: number;
  /** Timeout of every request to the upstream provider, in seconds (default 10). */
  timeoutSeconds?: number;
  /** How long a successful answer is trusted by `check` before the upstream is asked again (default 15 s). */
  checkMaxAgeMs?: number;
}

/** The upstream provider could not be discovered (unreachable, or its metadata is unusable). */
export class UpstreamDiscoveryError extends Error {
  constructor(issuer: URL, cause: unknown) {
    super(`discovery of ${issuer.href} failed: ${describeUpstreamError(cause)}`, { cause });
    this.name = 'UpstreamDiscoveryError';
  }
}

/**
 * Client authentication at the upstream token endpoint: `client_secret_basic` (the default
 * of RFC 8414 and what dex v0 did), or `client_secret_post` when the upstream's metadata
 * offers only that.
 */
function clientSecretAuth(clientSecret: string): oidc.ClientAuth {
  const basic = oidc.ClientSecretBasic(clientSecret);
  const post = oidc.ClientSecretPost(clientSecret);
  return (as, client, body, headers) => {
    const methods = as.token_endpoint_auth_methods_supported;
    const onlyPost = methods !== undefined && !methods.includes('client_secret_basic') && methods.includes('client_secret_post');
    (onlyPost ? post : basic)(as, client, body, headers);
  };
}

/**
 * An upstream OpenID Provider's configuration, found by OpenID Connect Discovery
 * (`oidc.discovery`, which checks the `issuer`). Discovered once and reused; a failed
 * discovery is not cached, so a provider that was down when the worker started is found on
 * the next login or health check once it is up. Metadata older than `maxAgeMs` is fetched
 * again; if that fails, the old metadata stays in use.
 *
 * Plain-http issuers (development and tests) are allowed, and only for them
 * (`oidc.allowInsecureRequests`). ID token signatures are always checked against the
 * upstream's JWKS (`oidc.enableNonRepudiationChecks`), not only trusted because they came
 * over TLS.
 */
export class UpstreamDiscovery {
  readonly #options: UpstreamDiscoveryOptions;
  #config: oidc.Configuration | null = null;
  #usableUntil = 0;
  #pending: Promise<oidc.Configuration> | null = null;
  /** When the upstream last answered discovery. */
  #answeredAt = Number.NEGATIVE_INFINITY;

  constructor(options: UpstreamDiscoveryOptions) {
    this.#options = options;
  }

  /** The upstream's configuration; rejects with the reason when it cannot be discovered. */
  async get(now = Date.now()): Promise<oidc.Configuration> {
    if (this.#config !== null && now < this.#usableUntil) return this.#config;
    this.#pending ??= this.#discover().finally(() => {
      this.#pending = null;
    });
    try {
      return await this.#pending;
    } catch (error) {
      if (this.#config === null) throw error;
      this.#usableUntil = Date.now() + (this.#options.retryAfterMs ?? 60_000);
      return this.#config;
    }
  }

  /**
   * Whether the upstream answers discovery now (for health reports): unlike `get`, this does
   * not trust metadata discovered earlier, it asks again once the last answer is older than
   * `checkMaxAgeMs`. A failure is not remembered (as in `get`), so an upstream that comes back
   * is seen at the next check. A success also refreshes the metadata `get` uses; a failure
   * leaves it in place.
   * @example await discovery.check(); // rejects with "discovery of https://idp/ failed: connection refused"
   */
  async check(now = Date.now()): Promise<void> {
    if (now - this.#answeredAt < (this.#options.checkMaxAgeMs ?? 15_000)) return;
    this.#pending ??= this.#discover().finally(() => {
      this.#pending = null;
    });
    await this.#pending;
  }

  async #discover(): Promise<oidc.Configuration> {
    const { issuerURL, clientID, clientSecret } = this.#options;
    const issuer = new URL(issuerURL);
    try {
      const config = await oidc.discovery(issuer, clientID, { client_secret: clientSecret }, clientSecretAuth(clientSecret), {
        execute: [...(issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : []), oidc.enableNonRepudiationChecks],
        timeout: this.#options.timeoutSeconds ?? 10,
      });
      this.#config = config;
      this.#answeredAt = Date.now();
      this.#usableUntil = Date.now() + (this.#options.maxAgeMs ?? 24 * 3_600_000);
      return config;
    } catch (error) {
      throw new UpstreamDiscoveryError(issuer, error);
    }
  }
}

/**
 * A short, secret-free description of what went wrong talking to an upstream provider, for
 * logs and the health check (`connection refused`, `unexpected HTTP response status code`, ...).
 */
export function describeUpstreamError(error: unknown): string {
  if (error instanceof oidc.ResponseBodyError) return `${error.status} ${error.error}`;
  if (error instanceof oidc.WWWAuthenticateChallengeError) {
    return `${error.status} ${error.cause.map((challenge) => challenge.parameters.error ?? challenge.scheme).join(', ')}`;
  }
  if (error instanceof oidc.AuthorizationResponseError) return error.error;
  if (!(error instanceof Error)) return 'unknown error';
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timed out';
  const cause = error.cause;
  if (error instanceof TypeError && cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    if (code === 'ECONNREFUSED') return 'connection refused';
    return typeof code === 'string' ? `${error.message} (${code})` : `${error.message}: ${cause.message}`;
  }
  // openid-client's errors say what kind of check failed; the cause says which (`unexpected ID Token "nonce" claim value`).
  return error instanceof oidc.ClientError && error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}
