import type { PrismaDb } from '@dex/shared/db';
import { findActiveRefreshToken } from '@dex/shared/domain/auth';
import type { ClientSummary } from '@dex/shared/domain/clients';
import { findUserById } from '@dex/shared/domain/users';
import { OAuthError } from '@dex/shared/errors';
import { param, requiredParam } from '#http/params.ts';
import { sendJson } from '#http/respond.ts';
import { CLIENT_FORM_ENDPOINT, type Route } from '#http/router.ts';
import { findAccessTokenSubject } from './access-token-subject.ts';
import type { AccessTokenKeys } from './access-tokens.ts';
import { type ClientCredentialLookup, requireClient } from './client-auth.ts';
import { hintedFirst } from './token-type-hint.ts';

/** What the introspection endpoint needs from the worker. */
export interface IntrospectionDeps {
  prisma: PrismaDb;
  /** Where client authentication reads clients (the token store). */
  clients: ClientCredentialLookup;
  issuer: string;
  accessTokens: AccessTokenKeys;
  /** A refresh token unused for this long is expired (`--refresh-token-idle-ttl`). */
  refreshTokenIdleTtlMs: number;
}

/** The claims of an active token (RFC 7662 §2.2), or null when this kind does not know it. */
type Introspector = (token: string, requester: ClientSummary, deps: IntrospectionDeps) => Promise<Record<string, unknown> | null>;

const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/**
 * An access token is active while its MAC, issuer and expiry verify, neither its grant nor
 * itself was revoked, and its subject lives (an enabled user, or for client-credentials
 * tokens the client). Any authenticated
 * confidential client may ask, as resource servers do.
 */
const introspectAccessToken: Introspector = async (token, _requester, deps) => {
  const claims = deps.accessTokens.verify(token, deps.issuer);
  if (claims === null || (await findAccessTokenSubject(deps.prisma, claims)) === null) return null;
  return {
    active: true,
    scope: claims.scopes.join(' '),
    client_id: claims.clientId,
    sub: claims.sub,
    exp: claims.exp,
    iat: claims.iat,
    iss: deps.issuer,
    token_type: 'Bearer',
    aud: claims.clientId,
    jti: claims.jti,
  };
};

/**
 * A refresh token is active while it is neither rotated, revoked nor expired and its user
 * is enabled; only the client it was issued to may learn that. A live token has never
 * been used (using one rotates it), so its idle expiry counts from its creation.
 */
const introspectRefreshToken: Introspector = async (token, requester, deps) => {
  const record = await findActiveRefreshToken(deps.prisma, { token, idleTtlMs: deps.refreshTokenIdleTtlMs });
  if (record === null || record.clientId !== requester.id) return null;
  const user = await findUserById(deps.prisma, record.userId);
  if (user === null || user.disabled) return null;
  const idleExpiry = record.createdAt.getTime() + deps.refreshTokenIdleTtlMs;
  return {
    active: true,
    scope: record.scopes.join(' '),
    client_id: record.clientId,
    sub: record.userId,
    exp: seconds(new Date(Math.min(record.expiresAt.getTime(), idleExpiry))),
    iat: seconds(record.createdAt),
    iss: deps.issuer,
    token_type: 'refresh_token',
  };
};

/** The token types this server introspects, in the order it tries them without a hint. */
const INTROSPECTORS: ReadonlyMap<string, Introspector> = new Map([
  ['access_token', introspectAccessToken],
  ['refresh_token', introspectRefreshToken],
]);

/**
 * `POST <issuer>/token/introspect` (RFC 7662) for authenticated confidential clients; a
 * public client is `invalid_client`. Every token that is not active (unknown, expired,
 * revoked, another client's refresh token, a disabled user's) is the same `{active:false}`
 * (§2.2), so the answer reveals nothing more.
 * @example routes.set('/token/introspect', introspectionRoute({ prisma, clients, issuer, accessTokens, refreshTokenIdleTtlMs }));
 */
export function introspectionRoute(deps: IntrospectionDeps): Route {
  return {
    ...CLIENT_FORM_ENDPOINT,
    async handle(req, res) {
      const { client } = await requireClient(deps.clients, req, { allowNone: false });
      if (client.public) throw new OAuthError('invalid_client', 'public clients cannot introspect tokens');
      const token = requiredParam(req.form, 'token');
      for (const introspector of hintedFirst(INTROSPECTORS, param(req.form, 'token_type_hint'))) {
        const active = await introspector(token, client, deps);
        if (active !== null) {
          sendJson(res, 200, active);
          return;
        }
      }
      sendJson(res, 200, { active: false });
    },
  };
}
