import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { PrismaDb } from '@dex/shared/db';
import { findAccessTokenSubject } from './access-token-subject.ts';
import { formParam, isFormRequest } from './form-param.ts';
import { OAuthError } from './oauth-error.ts';
import { toOAuthError } from './protocol-errors.ts';
import type { AccessTokenKeys } from './tokens.ts';

/** What the userinfo endpoint needs from the worker. */
export interface UserinfoDeps {
  prisma: PrismaDb;
  issuer: string;
  accessTokens: AccessTokenKeys;
}

/** The `realm` of every Bearer challenge (RFC 6750 §3). */
const REALM = 'dex';

/** `Authorization: Bearer <b64token>` (RFC 6750 §2.1); the scheme is case-insensitive (RFC 9110 §11.1). */
const BEARER_SCHEME = /^bearer(?:\s|$)/i;
const BEARER_CREDENTIALS = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** Statuses whose errors carry an RFC 6750 §3 challenge (not a 405 or a server error). */
const CHALLENGED_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 413]);

/** An RFC 6750 §3 error: the code and description also go in the challenge. */
function bearerError(error: 'invalid_token' | 'insufficient_scope', description: string): OAuthError {
  return new OAuthError(error, description, error === 'invalid_token' ? 401 : 403);
}

/** Drops what a quoted-string in `WWW-Authenticate` cannot hold (RFC 6750 §3: %x20-21 / %x23-5B / %x5D-7E). */
function quotable(text: string): string {
  return text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '');
}

/**
 * The access token of a userinfo request: from the `Authorization: Bearer` header or, for a
 * form POST, the `access_token` field (RFC 6750 §2.2); never from the query. Using both is
 * `invalid_request` (§3.1: "more than one method"). Another scheme (Basic) is no token.
 */
function readAccessToken(req: Request): string | undefined {
  const header = req.get('authorization');
  let headerToken: string | undefined;
  if (header !== undefined && BEARER_SCHEME.test(header)) {
    headerToken = BEARER_CREDENTIALS.exec(header)?.[1];
    if (headerToken === undefined) throw new OAuthError('invalid_request', 'malformed Bearer authorization header');
  }
  const bodyToken = req.method === 'POST' && isFormRequest(req) ? formParam(req, 'access_token') : undefined;
  if (headerToken !== undefined && bodyToken !== undefined) {
    throw new OAuthError('invalid_request', 'the access token was given both in the Authorization header and in the body');
  }
  return headerToken ?? bodyToken;
}

/**
 * `GET|POST <issuer>/userinfo` (OIDC Core §5.3). The token must verify, be unrevoked and speak
 * for an enabled user (a client-credentials token has none) and carry `openid`. Claims follow the
 * granted scopes (§5.4): `name` with `profile`, `email` and `email_verified` with `email`
 * (dex v0 put both in every ID token; the ID token still does).
 */
async function userinfo(req: Request, res: Response, deps: UserinfoDeps): Promise<void> {
  res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
  if (req.method !== 'GET' && req.method !== 'POST') {
    res.set('Allow', 'GET, POST');
    throw new OAuthError('invalid_request', 'the userinfo endpoint accepts GET and POST only', 405);
  }
  const token = readAccessToken(req);
  if (token === undefined) {
    // RFC 6750 §3.1: a request without any token gets the bare challenge, no error code.
    res.set('WWW-Authenticate', `Bearer realm="${REALM}"`).status(401).end();
    return;
  }
  const claims = deps.accessTokens.verify(token, deps.issuer);
  if (claims === null) throw bearerError('invalid_token', 'the access token is invalid or expired');
  const subject = await findAccessTokenSubject(deps.prisma, claims);
  if (subject === null) throw bearerError('invalid_token', 'the access token was revoked, or its user is unknown or disabled');
  if (subject.kind === 'client') throw bearerError('invalid_token', 'the access token was issued to a client, not to a user');
  if (!claims.scopes.includes('openid')) throw bearerError('insufficient_scope', "the access token lacks the 'openid' scope");
  const { user } = subject;
  const body: Record<string, unknown> = { sub: user.id };
  if (claims.scopes.includes('profile') && user.displayName !== '') body.name = user.displayName;
  if (claims.scopes.includes('email') && user.email !== '') {
    body.email = user.email;
    body.email_verified = user.emailVerified;
  }
  res.json(body);
}

/**
 * Renders a userinfo failure (the body parser's included) as RFC 6750 §3: the status, a
 * `WWW-Authenticate: Bearer` challenge naming the error, and the same as JSON.
 */
const bearerErrors: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const oauthError = toOAuthError(error, res);
  res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
  if (CHALLENGED_STATUSES.has(oauthError.status)) {
    const challenge = `Bearer realm="${REALM}", error="${oauthError.error}", error_description="${quotable(oauthError.message)}"`;
    res.set('WWW-Authenticate', oauthError.error === 'insufficient_scope' ? `${challenge}, scope="openid"` : challenge);
  }
  res.status(oauthError.status).json(oauthError.toJSON());
};

/**
 * The userinfo route's stack after the form parser: the handler, then its RFC 6750 error
 * renderer.
 * @example router.all('/userinfo', form, userinfoHandler({ prisma, issuer, accessTokens }));
 */
export function userinfoHandler(deps: UserinfoDeps): [RequestHandler, ErrorRequestHandler] {
  return [(req, res) => userinfo(req, res, deps), bearerErrors];
}
