import { SUPPORTED_SCOPES } from './checks/check-scope.ts';
import { type JsonDocument, jsonDocumentRoute } from '#http/json-document.ts';
import type { Route } from '#http/router.ts';
import { RESPONSE_MODES } from './redirect.ts';
import { SCOPE_CLAIMS } from './scope-claims.ts';
import { SUPPORTED_GRANT_TYPES } from './token-endpoint.ts';

/** Claims the worker can put in ID tokens and userinfo answers. */
const CLAIMS_SUPPORTED = [
  ...['iss', 'sub', 'aud', 'iat', 'exp', 'auth_time', 'nonce', 'at_hash', 'azp'],
  ...Object.values(SCOPE_CLAIMS).flat(),
];

/**
 * The OpenID Provider metadata (OIDC Discovery 1.0 §3): only what this worker really does.
 * Built from the configured issuer, never from request headers, so a TLS-terminating proxy
 * cannot change it.
 */
export function providerMetadata(issuer: string, options: { registration: boolean }): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${issuer}/auth`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    revocation_endpoint: `${issuer}/token/revoke`,
    introspection_endpoint: `${issuer}/token/introspect`,
    jwks_uri: `${issuer}/keys`,
    end_session_endpoint: `${issuer}/logout`,
    device_authorization_endpoint: `${issuer}/device/code`,
    ...(options.registration ? { registration_endpoint: `${issuer}/registration` } : {}),
    response_types_supported: ['code'],
    response_modes_supported: RESPONSE_MODES,
    grant_types_supported: SUPPORTED_GRANT_TYPES,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256', 'ES256'],
    scopes_supported: [...SUPPORTED_SCOPES],
    claims_supported: CLAIMS_SUPPORTED,
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    claims_parameter_supported: false,
  };
}

/** Members of the OpenID Provider metadata that RFC 8414 does not define (OIDC only). */
const OIDC_ONLY = new Set([
  'userinfo_endpoint',
  'end_session_endpoint',
  'subject_types_supported',
  'id_token_signing_alg_values_supported',
  'claims_supported',
  'claims_parameter_supported',
  'request_parameter_supported',
  'request_uri_parameter_supported',
]);

/**
 * The OAuth 2.0 Authorization Server Metadata (RFC 8414 §2): the OpenID Provider metadata
 * without its OIDC-only members, so the two documents never disagree.
 */
export function authorizationServerMetadata(issuer: string, options: { registration: boolean }): Record<string, unknown> {
  return Object.fromEntries(Object.entries(providerMetadata(issuer, options)).filter(([name]) => !OIDC_ONLY.has(name)));
}

/** A metadata document as a route: it never changes while the worker runs, so it is serialized once. */
function metadataRoute(metadata: Record<string, unknown>): Route {
  const document: JsonDocument = { body: JSON.stringify(metadata), cacheControl: 'public, max-age=86400' };
  return jsonDocumentRoute(() => document);
}

/**
 * `GET <issuer>/.well-known/openid-configuration`.
 * @example routes.set('/.well-known/openid-configuration', discoveryRoute(issuer, { registration: false }));
 */
export function discoveryRoute(issuer: string, options: { registration: boolean }): Route {
  return metadataRoute(providerMetadata(issuer, options));
}

/**
 * `GET <issuer>/.well-known/oauth-authorization-server` (RFC 8414), below the issuer as every
 * route is. For an issuer without a path that is exactly RFC 8414 §3.1's location; for one
 * with a path, §3.1 puts it before the path (`/.well-known/oauth-authorization-server/dex`),
 * outside what this worker serves, and a reverse proxy maps that path here (README).
 * @example routes.set('/.well-known/oauth-authorization-server', authorizationServerMetadataRoute(issuer, { registration: false }));
 */
export function authorizationServerMetadataRoute(issuer: string, options: { registration: boolean }): Route {
  return metadataRoute(authorizationServerMetadata(issuer, options));
}
