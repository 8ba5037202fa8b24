import type { PrismaDb } from '@dex/shared/db';
import { findActiveRefreshToken } from '@dex/shared/domain/auth';
import type { ClientSummary } from '@dex/shared/domain/clients';
import { findUserById } from '@dex/shared/domain/users';
import { OAuthError } from '@dex/shared/errors';
import { param, requiredParam } from '#http/params.ts';
import { sendJson } from '#http/respond.ts';
import { CLIENT_FORM_ENDPOINT, type Route } from '#http/router.ts';
import { findAccessTokenSubject } from './access-token-subject.ts';
import type { AccessTokens } from './jwt-access-tokens.ts';
import { type ClientCredentialLookup, requireClient } from './client-auth.ts';
import { hintedFirst } from './token-type-hint.ts';

/** What the introspection endpoint needs from the worker. */
export interface IntrospectionDeps {
  prisma: PrismaDb;
  /** Where client authentication reads clients (the token store). */
  clients: ClientCredentialLookup;
  issuer: string;
  accessTokens: AccessTokens;
  /** A refresh token unused for this long is expired (`--refresh-token-idle-ttl`). */
  refreshTokenIdleTtlMs: number;
}

/** The claims of an active token (RFC 7662 §2.2), or null when this kind does not know it. */
type Introspector = (token: string, requester: ClientSummary, deps: IntrospectionDeps) => Promise<Record<string, unknown> | null>;

const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/**
 * An access token (opaque or RFC 9068 JWT) is active while its seal or signature, issuer and expiry verify, neither its grant nor
 * itself was revoked, and its subject lives (an enabled user, or for client-credentials
 * tokens the client). Any authenticated
 * confidential client may ask, as resource servers do.
 */
const introspectAccessToken: Introspector = async (token, _requester, deps) => {
  const claims = await deps.accessTokens.verify(token);
  const subject = claims === null ? null : await findAccessTokenSubject(deps.prisma, claims);
  if (claims === null || subject === null) return null;
  return activeAnswer({
    scope: claims.scopes.join(' '),
    client_id: claims.clientId,
    username: subject.kind === 'user' ? subject.user.email : undefined,
    token_type: 'Bearer',
    exp: claims.exp,
    iat: claims.iat,
    sub: claims.sub,
    aud: claims.aud,
    iss: deps.issuer,
    jti: claims.jti,
  });
};

/** What an active token's answer says (RFC 7662 §2.2). */
interface ActiveTokenFields {
  scope: string;
  client_id: string;
  /** The user's email; none for a client-credentials token. */
  username: string | undefined;
  token_type: 'Bearer' | 'refresh_token';
  exp: number;
  iat: number;
  sub: string;
  aud: string;
  iss: string;
  jti: string;
}

/**
 * An active token's answer (RFC 7662 §2.2): `active`, then `scope client_id username
 * token_type exp iat nbf sub aud iss jti`, `nbf` being `iat` (a token is good from its
 * issue), members without a value left out.
 */
function activeAnswer(fields: ActiveTokenFields): Record<string, unknown> {
  const { scope, client_id, username, token_type, exp, iat, sub, aud, iss, jti } = fields;
  const ordered = { active: true, scope, client_id, username, token_type, exp, iat, nbf: iat, sub, aud, iss, jti };
  return Object.fromEntries(Object.entries(ordered).filter(([, value]) => value !== undefined && value !== ''));
}

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
  return activeAnswer({
    scope: record.scopes.join(' '),
    client_id: record.clientId,
    username: user.email,
    token_type: 'refresh_token',
    exp: seconds(new Date(Math.min(record.expiresAt.getTime(), idleExpiry))),
    iat: seconds(record.createdAt),
    sub: record.userId,
    aud: record.clientId,
    iss: deps.issuer,
    jti: record.id,
  });
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
