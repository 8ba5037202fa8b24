import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { PrismaDb } from '@dex/shared/db';
import { revokeRefreshToken } from '@dex/shared/domain/auth';
import { locals } from '@dex/shared/http';
import { type ClientCredentialLookup, requireClient } from './client-auth.ts';
import { formParam, isFormRequest } from './form-param.ts';
import { OAuthError } from './oauth-error.ts';
import { oauthJsonErrors } from './protocol-errors.ts';
import type { AccessTokenKeys } from './tokens.ts';

/** What the revocation endpoint needs from the worker. */
export interface RevocationDeps {
  prisma: PrismaDb;
  /** Where client authentication reads clients (the token store). */
  clients: ClientCredentialLookup;
  issuer: string;
  accessTokens: AccessTokenKeys;
}

/**
 * Whether a token is a live access token of this client. Access tokens are self-contained
 * JWTs that expire on their own (`--id-token-ttl`) and there is no denylist to put them on,
 * so this server cannot revoke them: RFC 7009 §2.2.1 lets it say so with
 * `unsupported_token_type`. It says so only when the client hinted `access_token` (a client
 * that did not hint gets the plain 200 any unrevocable token gets), and only for the
 * client's own tokens, so the endpoint tells nobody whether someone else's token is valid.
 */
async function isOwnAccessToken(deps: RevocationDeps, token: string, clientId: string): Promise<boolean> {
  const claims = deps.accessTokens.verify(token, deps.issuer);
  return claims !== null && claims.clientId === clientId;
}

/**
 * `POST <issuer>/token/revoke` (RFC 7009). The client authenticates as at the token
 * endpoint (a public client with its client_id only). Revoking a refresh token revokes its
 * whole family (every token rotated from the same grant). Unknown tokens, tokens of other
 * clients and already revoked ones get the same empty 200 (§2.2): the client cannot act
 * on the difference, and nothing leaks. `token_type_hint` only orders the lookup; an
 * unknown hint is ignored (§2.1).
 */
async function revoke(req: Request, res: Response, deps: RevocationDeps): Promise<void> {
  res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
  if (req.method !== 'POST') {
    res.set('Allow', 'POST');
    throw new OAuthError('invalid_request', 'the revocation endpoint accepts POST only', 405);
  }
  if (!isFormRequest(req)) throw new OAuthError('invalid_request', 'the revocation request must be application/x-www-form-urlencoded');
  const { client } = await requireClient(deps.clients, req, { allowNone: true });
  const token = formParam(req, 'token');
  if (token === undefined) throw new OAuthError('invalid_request', 'missing required parameter: token');
  const hint = formParam(req, 'token_type_hint');
  if (hint === 'access_token' && (await isOwnAccessToken(deps, token, client.id))) {
    throw new OAuthError('unsupported_token_type', 'access tokens cannot be revoked; they expire on their own');
  }
  const revoked = await revokeRefreshToken(deps.prisma, { token, clientId: client.id });
  locals(res).log.debug({ clientId: client.id, revoked }, 'token revocation');
  res.status(200).end();
}

/**
 * The revocation route's stack after the form parser: the handler, then the error handler
 * that renders its failures (and the parser's) as RFC 6749 §5.2 JSON.
 * @example router.all('/token/revoke', form, revocationHandler({ prisma, issuer, accessTokens }));
 */
export function revocationHandler(deps: RevocationDeps): [RequestHandler, ErrorRequestHandler] {
  return [(req, res) => revoke(req, res, deps), oauthJsonErrors];
}
