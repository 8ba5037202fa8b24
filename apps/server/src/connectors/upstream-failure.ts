import * as oidc from 'openid-client';
import type { TConnectorLoginFailure } from '#http/metrics.ts';
import { MissingClaimError } from './oidc-identity.ts';
import { UpstreamDiscoveryError } from '@dex/shared/upstream';

/** What the user reads when a login through the upstream provider fails (never secrets or internals). */
export interface Failure {
  status: number;
  title: string;
  message: string;
  /** For the login metrics. */
  reason: TConnectorLoginFailure;
}

/**
 * openid-client refused the ID token because its `auth_time` is missing or older than the
 * `maxAge` dex asked for (the client's prompt=login or max_age).
 */
function isStaleLogin(error: unknown): boolean {
  if (!(error instanceof oidc.ClientError) || !(error.cause instanceof Error)) return false;
  const detail: unknown = error.cause.cause;
  const claim = typeof detail === 'object' && detail !== null ? (detail as { claim?: unknown }).claim : undefined;
  return (error.code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED' && claim === 'auth_time') || error.cause.message.startsWith('JWT "auth_time"');
}

/**
 * What an upstream login failure means for the user and for the login metrics: upstream
 * unreachable, client credentials refused, a claim missing, a stale login, an upstream error
 * code, or an answer that did not verify. Never secrets or internals.
 */
export function failureFor(error: unknown, providerName: string): Failure {
  const unreachable: Failure = {
    status: 502,
    title: 'Login unavailable',
    message: `The identity provider "${providerName}" cannot be reached right now. Try again later.`,
    reason: 'unavailable',
  };
  if (error instanceof UpstreamDiscoveryError) return unreachable;
  if (error instanceof MissingClaimError) {
    return {
      status: 502,
      title: 'Login failed',
      message: `The identity provider "${providerName}" did not say what your "${error.claim}" is, which this login needs. Ask an administrator.`,
      reason: 'incomplete_identity',
    };
  }
  if (isStaleLogin(error)) {
    return {
      status: 502,
      title: 'Login failed',
      message: `The identity provider "${providerName}" did not confirm a recent login, which the application asked for. Go back to the application and try again.`,
      reason: 'stale_login',
    };
  }
  if (error instanceof oidc.AuthorizationResponseError) {
    const code = /^[A-Za-z0-9_.-]{1,64}$/.test(error.error) ? error.error : 'error';
    return {
      status: 502,
      title: 'Login failed',
      message: `The identity provider "${providerName}" refused the login (${code}).`,
      reason: 'upstream_error',
    };
  }
  const refusedCredentials: Failure = {
    status: 502,
    title: 'Login failed',
    message: `The identity provider "${providerName}" did not accept this server's client credentials. Ask an administrator to check the connector's configuration.`,
    reason: 'invalid_client',
  };
  if (error instanceof oidc.WWWAuthenticateChallengeError) return error.status === 401 ? refusedCredentials : unreachable;
  if (error instanceof oidc.ResponseBodyError) {
    if (error.status === 401 || error.error === 'invalid_client') return refusedCredentials;
    if (error.status >= 500) return unreachable;
    return {
      status: 502,
      title: 'Login failed',
      message: `The identity provider "${providerName}" refused the login (${error.error}).`,
      reason: 'upstream_error',
    };
  }
  if (error instanceof Error && (error instanceof TypeError || error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return unreachable;
  }
  return {
    status: 502,
    title: 'Login failed',
    message: `The answer of the identity provider "${providerName}" could not be verified. Try again, or ask an administrator.`,
    reason: 'invalid_response',
  };
}
