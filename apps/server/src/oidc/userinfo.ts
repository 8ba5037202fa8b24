import type { PrismaDb } from '@dex/shared/db';
import { OAuthError } from '@dex/shared/errors';
import { param } from '#http/params.ts';
import type { WorkerRequest } from '#http/request.ts';
import { sendEmpty, sendJson } from '#http/respond.ts';
import type { Route } from '#http/router.ts';
import { findAccessTokenSubject } from './access-token-subject.ts';
import { authSessionGroups } from './grant-groups.ts';
import type { AccessTokens } from './jwt-access-tokens.ts';
import { scopeClaims } from './scope-claims.ts';

/** What the userinfo endpoint needs from the worker. */
export interface UserinfoDeps {
  prisma: PrismaDb;
  issuer: string;
  accessTokens: AccessTokens;
}

/** `Authorization: Bearer <b64token>` (RFC 6750 §2.1); the scheme is case-insensitive (RFC 9110 §11.1). */
const BEARER_SCHEME = /^bearer(?:\s|$)/i;
const BEARER_CREDENTIALS = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * The access token of a userinfo request: from the `Authorization: Bearer` header or, for a
 * form POST, the `access_token` field (RFC 6750 §2.2); never from the query. Using both is
 * `invalid_request` (§3.1: "more than one method"). Another scheme (Basic) is no token.
 */
function readAccessToken(req: WorkerRequest): string | undefined {
  const header = req.header('authorization');
  let headerToken: string | undefined;
  if (header !== undefined && BEARER_SCHEME.test(header)) {
    headerToken = BEARER_CREDENTIALS.exec(header)?.[1];
    if (headerToken === undefined) throw new OAuthError('invalid_request', 'malformed Bearer authorization header');
  }
  const bodyToken = param(req.form, 'access_token');
  if (headerToken !== undefined && bodyToken !== undefined) {
    throw new OAuthError('invalid_request', 'the access token was given both in the Authorization header and in the body');
  }
  return headerToken ?? bodyToken;
}

/**
 * `GET|POST <issuer>/userinfo` (OIDC Core §5.3). The token must verify, be unrevoked and speak
 * for an enabled user (a client-credentials token has none) and carry `openid`. Claims follow the
 * granted scopes (§5.4), as in the ID token (`scopeClaims`). Errors carry RFC 6750 §3
 * challenges; a request without any token gets the bare challenge, no error code (§3.1).
 * @example routes.set('/userinfo', userinfoRoute({ prisma, issuer, accessTokens }));
 */
export function userinfoRoute(deps: UserinfoDeps): Route {
  return {
    methods: ['GET', 'POST'],
    errors: 'json',
    challenge: 'bearer',
    body: 'form',
    cors: 'public',
    async handle(req, res) {
      const token = readAccessToken(req);
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Pragma', 'no-cache');
      if (token === undefined) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="dex"');
        sendEmpty(res, 401);
        return;
      }
      const claims = await deps.accessTokens.verify(token);
      if (claims === null) throw new OAuthError('invalid_token', 'the access token is invalid or expired');
      const subject = await findAccessTokenSubject(deps.prisma, claims);
      if (subject === null) throw new OAuthError('invalid_token', 'the access token was revoked, or its user is unknown or disabled');
      if (subject.kind === 'client') throw new OAuthError('invalid_token', 'the access token was issued to a client, not to a user');
      if (!claims.scopes.includes('openid')) throw new OAuthError('insufficient_scope', "the access token lacks the 'openid' scope");
      const { user } = subject;
      const groups = claims.scopes.includes('groups') ? await authSessionGroups(deps.prisma, claims.gid) : undefined;
      sendJson(res, 200, { sub: user.id, ...scopeClaims(user, claims.scopes, groups) });
    },
  };
}
