import type { PrismaDb } from '@dex/shared/db';
import { revokeIds, revokeRefreshToken, revokeRefreshTokensOfGrant } from '@dex/shared/domain/auth';
import { OAuthError } from '@dex/shared/errors';
import { locals } from '@dex/shared/http';
import { param, requiredParam } from '#http/params.ts';
import { sendEmpty } from '#http/respond.ts';
import { CLIENT_FORM_ENDPOINT, type Route } from '#http/router.ts';
import type { AccessTokens } from './jwt-access-tokens.ts';
import { type ClientCredentialLookup, requireClient } from './client-auth.ts';
import { hintedFirst } from './token-type-hint.ts';

/** What the revocation endpoint needs from the worker. */
export interface RevocationDeps {
  prisma: PrismaDb;
  /** Where client authentication reads clients (the token store). */
  clients: ClientCredentialLookup;
  issuer: string;
  accessTokens: AccessTokens;
  /** The access token lifetime (`--id-token-ttl`): how long a grant's revocation must last. */
  idTokenTtlMs: number;
}

/**
 * RFC 7009 §2.1: the server "verifies whether the token was issued to the client making the
 * revocation request. If this validation fails, the request is refused and the client is
 * informed of the error". RFC 6749 §5.2's `unauthorized_client` (400) says that: this client
 * may not do this with that token. Unknown and expired tokens still get the empty 200 (§2.2:
 * "invalid tokens do not cause an error response"), and the other client's token is untouched.
 */
function notIssuedToRequester(): OAuthError {
  return new OAuthError('unauthorized_client', 'the token was not issued to this client');
}

/** What revoking one kind of token did, for the debug log; null when this kind does not know the token. */
type Revoker = (token: string, clientId: string, deps: RevocationDeps) => Promise<Record<string, unknown> | null>;

/**
 * A live access token of the requesting client (opaque or JWT: seal or signature, issuer, expiry, `client_id`) is revoked
 * with its grant (`gid`): the grant's other access tokens and its refresh tokens too, as
 * RFC 7009 §2.1 allows. Access tokens are self-contained (no row per token), so the revocation is a row that
 * userinfo and introspection consult, kept until every access token of the grant issued so
 * far has expired. A token without a grant (client credentials) is revoked by its `jti`
 * until it expires. Another client's token is not touched, and the request is refused.
 */
const revokeAccessToken: Revoker = async (token, clientId, deps) => {
  const claims = await deps.accessTokens.verify(token);
  if (claims === null) return null;
  if (claims.clientId !== clientId) throw notIssuedToRequester();
  if (claims.gid === undefined) {
    await revokeIds(deps.prisma, [claims.jti], new Date(claims.exp * 1000));
    return { kind: 'access_token', by: 'jti' };
  }
  const until = Math.max(claims.exp * 1000, Date.now() + deps.idTokenTtlMs);
  await revokeIds(deps.prisma, [claims.gid], new Date(until));
  const revoked = await revokeRefreshTokensOfGrant(deps.prisma, claims.gid);
  return { kind: 'access_token', by: 'gid', refreshFamilyTokens: revoked };
};

/**
 * A refresh token of the requesting client is revoked with its whole family (every token
 * rotated from the same grant) and the access tokens of its grant.
 */
const revokeRefresh: Revoker = async (token, clientId, deps) => {
  const result = await revokeRefreshToken(deps.prisma, { token, clientId });
  if (result === null) return null;
  if ('otherClient' in result) throw notIssuedToRequester();
  await revokeIds(deps.prisma, [result.grantId], new Date(Date.now() + deps.idTokenTtlMs));
  return { kind: 'refresh_token', refreshFamilyTokens: result.revoked };
};

/**
 * The token types this server revokes, in the order it tries them without a hint. An access
 * token is known without a query (an opaque one by its seal), so trying it first is cheap for a refresh token.
 */
const REVOKERS: ReadonlyMap<string, Revoker> = new Map([
  ['access_token', revokeAccessToken],
  ['refresh_token', revokeRefresh],
]);

/**
 * `POST <issuer>/token/revoke` (RFC 7009). The client authenticates as at the token
 * endpoint (a public client with its client_id only). Revoking a refresh token revokes its
 * whole family (every token rotated from the same grant); revoking either kind revokes the
 * access tokens of its grant. Unknown, expired and already revoked tokens get the same empty
 * 200 (§2.2); a live token issued to another client is refused with `unauthorized_client`
 * (§2.1). `token_type_hint` only orders the lookup; an unknown hint is ignored (§2.1).
 * @example routes.set('/token/revoke', revocationRoute({ prisma, clients, issuer, accessTokens, idTokenTtlMs }));
 */
export function revocationRoute(deps: RevocationDeps): Route {
  return {
    ...CLIENT_FORM_ENDPOINT,
    async handle(req, res) {
      const { client } = await requireClient(deps.clients, req, { allowNone: true });
      const token = requiredParam(req.form, 'token');
      let revoked: Record<string, unknown> | null = null;
      for (const revoker of hintedFirst(REVOKERS, param(req.form, 'token_type_hint'))) {
        revoked = await revoker(token, client.id, deps);
        if (revoked !== null) break;
      }
      locals(res).log.debug({ clientId: client.id, revoked }, 'token revocation');
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Pragma', 'no-cache');
      sendEmpty(res, 200);
    },
  };
}
