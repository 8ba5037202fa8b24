import type { Request, Response } from 'express';
import { safeEqual, sha256Digest } from '@dex/shared/crypto';
import type { PrismaDb } from '@dex/shared/db';
import { issueRefreshToken, redeemAuthCode, revokeTokensOfAuthSession } from '@dex/shared/domain/auth';
import { findUserById } from '@dex/shared/domain/users';
import type { Logger } from '@dex/shared/logging';
import { requireClient } from './client-auth.ts';
import { signTokens } from './id-token.ts';
import type { KeyCache } from './key-cache.ts';
import { OAuthError } from './oauth-error.ts';

export interface TokenDeps {
  prisma: PrismaDb;
  issuer: string;
  keys: KeyCache;
  idTokenTtlMs: number;
  refreshTokenTtlMs: number;
}

type GrantHandler = (req: Request, deps: TokenDeps, log: Logger) => Promise<Record<string, unknown>>;

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

function param(req: Request, name: string): string | undefined {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(value)) throw new OAuthError('invalid_request', `parameter ${name} was given more than once`);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `grant_type=authorization_code` (RFC 6749 §4.1.3 with PKCE, RFC 7636 §4.6). */
const authorizationCode: GrantHandler = async (req, deps, log) => {
  const client = await requireClient(deps.prisma, req);
  const code = param(req, 'code');
  if (code === undefined) throw new OAuthError('invalid_request', 'missing required parameter: code');
  const redeemed = await redeemAuthCode(deps.prisma, code);
  if (redeemed.status === 'replayed') {
    const revoked = await revokeTokensOfAuthSession(deps.prisma, redeemed.session.id);
    log.warn({ clientId: client.id, revoked }, 'authorization code replayed; tokens issued from it revoked');
    throw new OAuthError('invalid_grant', 'the authorization code was already used');
  }
  if (redeemed.status !== 'ok') throw new OAuthError('invalid_grant', 'the authorization code is invalid or expired');
  const session = redeemed.session;
  if (session.clientId !== client.id) throw new OAuthError('invalid_grant', 'the authorization code was issued to another client');
  const redirectUri = param(req, 'redirect_uri');
  if (redirectUri !== undefined && redirectUri !== session.redirectUri) {
    throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request');
  }
  const verifier = param(req, 'code_verifier');
  if (session.codeChallenge !== null) {
    if (verifier === undefined) throw new OAuthError('invalid_grant', 'missing code_verifier');
    if (!VERIFIER.test(verifier) || !safeEqual(sha256Digest(verifier).toString('base64url'), session.codeChallenge)) {
      throw new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge');
    }
  } else if (verifier !== undefined) {
    throw new OAuthError('invalid_grant', 'code_verifier given but the authorization request had no code_challenge');
  }
  const user = session.userId === null ? null : await findUserById(deps.prisma, session.userId);
  if (user === null || user.disabled) throw new OAuthError('invalid_grant', 'the user is unknown or disabled');
  const keySet = await deps.keys.get();
  if (keySet.active === null) throw new OAuthError('temporarily_unavailable', 'no signing key is available yet', 503);
  const tokens = await signTokens({
    issuer: deps.issuer,
    key: keySet.active,
    subject: { user, clientId: client.id, scopes: session.scopes, nonce: session.nonce, authTime: session.authTime },
    ttlMs: deps.idTokenTtlMs,
  });
  const body: Record<string, unknown> = {
    access_token: tokens.accessToken,
    token_type: 'Bearer',
    expires_in: tokens.expiresIn,
    id_token: tokens.idToken,
    scope: session.scopes.join(' '),
  };
  if (session.scopes.includes('offline_access')) {
    body.refresh_token = await issueRefreshToken(deps.prisma, {
      userId: user.id,
      clientId: client.id,
      connectorId: session.connectorId ?? '',
      scopes: session.scopes,
      authSessionId: session.id,
      ...(session.authTime === null ? {} : { authTime: session.authTime }),
      ttlMs: deps.refreshTokenTtlMs,
    });
  }
  return body;
};

/** The grant types this worker serves; anything else is `unsupported_grant_type`. */
const GRANTS: ReadonlyMap<string, GrantHandler> = new Map([['authorization_code', authorizationCode]]);

export const SUPPORTED_GRANT_TYPES: readonly string[] = [...GRANTS.keys()];

/** `POST <issuer>/token`. Errors per RFC 6749 §5.2; responses are never cached. */
export function tokenHandler(deps: TokenDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
    try {
      if (!req.is('application/x-www-form-urlencoded')) {
        throw new OAuthError('invalid_request', 'the token request must be application/x-www-form-urlencoded');
      }
      const grantType = param(req, 'grant_type');
      if (grantType === undefined) throw new OAuthError('invalid_request', 'missing required parameter: grant_type');
      const grant = GRANTS.get(grantType);
      if (grant === undefined) throw new OAuthError('unsupported_grant_type', `unsupported grant_type: ${grantType}`);
      res.json(await grant(req, deps, res.locals.log as Logger));
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      if (error.error === 'invalid_client') res.set('WWW-Authenticate', 'Basic realm="dex", charset="UTF-8"');
      res.status(error.status).json(error.toJSON());
    }
  };
}
