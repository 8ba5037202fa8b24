import { basicAuth } from '@dex/shared/testing';
import type { LoadScenario } from './load.ts';

/** The endpoints measured, in report order. */
export type EndpointName = 'discovery' | 'jwks' | 'client_credentials' | 'client_credentials_jwt' | 'refresh_token';

/** What the scenarios need to know about a provider under test. */
export interface ScenarioTarget {
  /** The issuer's path ('' or e.g. '/dex'): every route is below it. */
  basePath: string;
  clientId: string;
  clientSecret: string;
}

const FORM = 'application/x-www-form-urlencoded';

/** `GET <issuer>/.well-known/openid-configuration`: static JSON, no database, no crypto. */
export function discoveryScenario(target: ScenarioTarget): LoadScenario<null> {
  const path = `${target.basePath}/.well-known/openid-configuration`;
  return { name: 'discovery', init: () => null, request: () => ({ method: 'GET', path }) };
}

/** `GET <issuer>/keys`: the public signing keys (dex caches them in memory). */
export function jwksScenario(target: ScenarioTarget): LoadScenario<null> {
  const path = `${target.basePath}/keys`;
  return { name: 'jwks', init: () => null, request: () => ({ method: 'GET', path }) };
}

/**
 * `POST <issuer>/token` with `grant_type=client_credentials` and Basic auth. dex answers
 * with an HS256 access token and an RS256 ID token (one RSA signature). `extraBody` lets
 * oidc-provider ask for a JWT access token (`resource=...`), its one RSA signature.
 */
export function clientCredentialsScenario(
  target: ScenarioTarget,
  options: { name?: EndpointName; body?: string } = {},
): LoadScenario<null> {
  const path = `${target.basePath}/token`;
  const headers = { authorization: basicAuth(target.clientId, target.clientSecret), 'content-type': FORM };
  const body = options.body ?? 'grant_type=client_credentials&scope=openid';
  return { name: options.name ?? 'client_credentials', init: () => null, request: () => ({ method: 'POST', path, headers, body }) };
}

interface Chain {
  token: string;
}

/**
 * `POST <issuer>/token` with `grant_type=refresh_token`. Tokens rotate and a reused one is
 * rejected (and revokes its family), so each connection drives its own chain: it always
 * sends the refresh token returned by its previous answer. A failure ends that chain.
 */
export function refreshTokenScenario(target: ScenarioTarget, tokens: readonly string[]): LoadScenario<Chain> {
  const path = `${target.basePath}/token`;
  const authorization = basicAuth(target.clientId, target.clientSecret);
  return {
    name: 'refresh_token',
    stopOnFailure: true,
    init: (connection) => {
      const token = tokens[connection];
      if (token === undefined) throw new Error(`no refresh token prepared for connection ${connection}`);
      return { token };
    },
    request: (chain) => ({
      method: 'POST',
      path,
      headers: { authorization, 'content-type': FORM },
      body: `grant_type=refresh_token&refresh_token=${encodeURIComponent(chain.token)}`,
    }),
    onResponse: (chain, body) => {
      const answer = JSON.parse(body) as { refresh_token?: unknown; id_token?: unknown; access_token?: unknown };
      if (typeof answer.refresh_token !== 'string' || typeof answer.id_token !== 'string' || typeof answer.access_token !== 'string') {
        return false;
      }
      chain.token = answer.refresh_token;
      return true;
    },
  };
}
