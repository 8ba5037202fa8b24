import type { IncomingMessage } from 'node:http';
import { safeEqual, sha256Digest } from '@dex/shared/crypto';
import type { PrismaDb } from '@dex/shared/db';
import {
  issueRefreshToken,
  redeemAuthCode,
  refreshTokenGrantId,
  revokeIds,
  revokeTokensOfAuthSession,
  revokeUserRefreshTokens,
  rotateRefreshTokenIn,
} from '@dex/shared/domain/auth';
import type { ActiveSigningKey } from '@dex/shared/domain/keys';
import { findUserById, type UserRecord } from '@dex/shared/domain/users';
import { locals, type ResponseWithLocals } from '@dex/shared/http';
import type { Logger } from '@dex/shared/logging';
import { type FormLimits, readForm } from '#http/form-body.ts';
import type { WorkerMetrics } from '#http/metrics.ts';
import type { TokenStore } from '#store/token-store.ts';
import { requireClient } from './client-auth.ts';
import type { KeyCache } from './key-cache.ts';
import { type FormRequest, formParam } from './form-param.ts';
import { OAuthError } from './oauth-error.ts';
import { sendOAuthError, sendUncachedJson, toOAuthError } from './protocol-errors.ts';
import { type AccessTokenKeys, signClientIdToken, signIdToken } from './tokens.ts';

export interface TokenDeps {
  prisma: PrismaDb;
  /** Client lookup and refresh token rotation: prepared SQL on the hot path. */
  store: TokenStore;
  issuer: string;
  keys: KeyCache;
  accessTokens: AccessTokenKeys;
  idTokenTtlMs: number;
  refreshTokenTtlMs: number;
  refreshTokenIdleTtlMs: number;
  metrics: WorkerMetrics;
}

type GrantHandler = (req: FormRequest, deps: TokenDeps, log: Logger) => Promise<Record<string, unknown>>;

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

async function activeKey(deps: TokenDeps): Promise<ActiveSigningKey> {
  const keySet = await deps.keys.get();
  if (keySet.active === null) throw new OAuthError('temporarily_unavailable', 'no signing key is available yet', 503);
  return keySet.active;
}

/** The access token, ID token and (with offline_access) refresh token of a user grant. */
async function userTokenResponse(
  deps: TokenDeps,
  grant: {
    user: UserRecord;
    clientId: string;
    scopes: readonly string[];
    /** The grant the tokens come from (the access token's `gid`), revocable as a whole. */
    grantId: string;
    nonce?: string | null;
    authTime: Date | null;
    refreshToken?: string;
    /** The `groups` claim, when the `groups` scope was granted. */
    groups?: readonly string[];
  },
): Promise<Record<string, unknown>> {
  const now = Date.now();
  const key = await activeKey(deps);
  const accessToken = deps.accessTokens.sign({
    issuer: deps.issuer,
    subject: grant.user.id,
    clientId: grant.clientId,
    scopes: grant.scopes,
    gid: grant.grantId,
    ttlMs: deps.idTokenTtlMs,
    now,
  });
  const idToken = await signIdToken({
    issuer: deps.issuer,
    key,
    user: grant.user,
    clientId: grant.clientId,
    scopes: grant.scopes,
    accessToken,
    ...(grant.nonce === undefined ? {} : { nonce: grant.nonce }),
    authTime: grant.authTime,
    ...(grant.groups === undefined ? {} : { groups: grant.groups }),
    ttlMs: deps.idTokenTtlMs,
    now,
  });
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: Math.floor(deps.idTokenTtlMs / 1000),
    id_token: idToken,
    scope: grant.scopes.join(' '),
    ...(grant.refreshToken === undefined ? {} : { refresh_token: grant.refreshToken }),
  };
}

/**
 * Revokes the access tokens of grants (by their `gid`): every one issued so far expires
 * within the access token lifetime, so the revocation need not outlive it.
 */
async function revokeGrants(deps: TokenDeps, grantIds: readonly string[]): Promise<void> {
  await revokeIds(deps.prisma, grantIds, new Date(Date.now() + deps.idTokenTtlMs));
}

/**
 * `grant_type=authorization_code` (RFC 6749 §4.1.3 with PKCE, RFC 7636 §4.6). A replayed code
 * revokes what its first use issued (§4.1.2, §10.5): the refresh tokens and the access tokens.
 */
const authorizationCode: GrantHandler = async (req, deps, log) => {
  const { client } = await requireClient(deps.store, req, { allowNone: true });
  const code = formParam(req, 'code');
  if (code === undefined) throw new OAuthError('invalid_request', 'missing required parameter: code');
  const redeemed = await redeemAuthCode(deps.prisma, code);
  if (redeemed.status === 'replayed') {
    const revoked = await revokeTokensOfAuthSession(deps.prisma, redeemed.session.id);
    await revokeGrants(deps, [redeemed.session.id]);
    log.warn({ clientId: client.id, revoked }, 'authorization code replayed; tokens issued from it revoked');
    throw new OAuthError('invalid_grant', 'the authorization code was already used');
  }
  if (redeemed.status !== 'ok') throw new OAuthError('invalid_grant', 'the authorization code is invalid or expired');
  const session = redeemed.session;
  if (session.clientId !== client.id) throw new OAuthError('invalid_grant', 'the authorization code was issued to another client');
  const redirectUri = formParam(req, 'redirect_uri');
  if (redirectUri !== undefined && redirectUri !== session.redirectUri) {
    throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request');
  }
  const verifier = formParam(req, 'code_verifier');
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
  const refreshToken = session.scopes.includes('offline_access')
    ? await issueRefreshToken(deps.prisma, {
        userId: user.id,
        clientId: client.id,
        connectorId: session.connectorId ?? '',
        scopes: session.scopes,
        authSessionId: session.id,
        ...(session.authTime === null ? {} : { authTime: session.authTime }),
        ttlMs: deps.refreshTokenTtlMs,
      })
    : undefined;
  return userTokenResponse(deps, {
    user,
    clientId: client.id,
    scopes: session.scopes,
    grantId: session.id,
    nonce: session.nonce,
    ...(session.scopes.includes('groups') ? { groups: session.identity?.groups ?? [] } : {}),
    authTime: session.authTime,
    ...(refreshToken === undefined ? {} : { refreshToken }),
  });
};

/**
 * `grant_type=refresh_token` (RFC 6749 §6): the token rotates on every use; presenting a
 * rotated token revokes its whole family and the access tokens of its grant; `scope` may
 * narrow but never widen; a disabled user's tokens stop working (and are revoked).
 */
const refreshToken: GrantHandler = async (req, deps, log) => {
  const { client } = await requireClient(deps.store, req, { allowNone: true });
  const token = formParam(req, 'refresh_token');
  if (token === undefined) throw new OAuthError('invalid_request', 'missing required parameter: refresh_token');
  const requested = formParam(req, 'scope')
    ?.split(' ')
    .filter((s) => s !== '');
  const result = await rotateRefreshTokenIn(deps.store, {
    token,
    clientId: client.id,
    idleTtlMs: deps.refreshTokenIdleTtlMs,
    ...(requested === undefined ? {} : { scopes: requested }),
  });
  if (result.status === 'reused') {
    await revokeGrants(deps, [refreshTokenGrantId(result.record)]);
    log.warn({ clientId: client.id, revoked: result.revoked }, 'rotated refresh token reused; its family and access tokens are revoked');
    throw new OAuthError('invalid_grant', 'the refresh token was already used');
  }
  if (result.status === 'scope_exceeded') throw new OAuthError('invalid_scope', `scope exceeds what was granted: ${result.scope}`);
  if (result.status === 'invalid') {
    throw new OAuthError('invalid_grant', result.reason === 'expired' ? 'the refresh token expired' : 'the refresh token is invalid');
  }
  const scopes = result.current.scopes;
  const { user } = result;
  if (user.disabled) {
    await revokeUserRefreshTokens(deps.prisma, user.id);
    throw new OAuthError('invalid_grant', 'the user is unknown or disabled');
  }
  return userTokenResponse(deps, {
    user,
    clientId: client.id,
    scopes,
    grantId: refreshTokenGrantId(result.current),
    authTime: result.current.authTime,
    ...(scopes.includes('offline_access') ? { refreshToken: result.token } : {}),
  });
};

/** `grant_type=client_credentials` (RFC 6749 §4.4): confidential clients only; dex v0's ID token too. */
const clientCredentials: GrantHandler = async (req, deps) => {
  const { client } = await requireClient(deps.store, req, { allowNone: false });
  if (client.public) throw new OAuthError('unauthorized_client', 'public clients cannot use client_credentials');
  const scopes = formParam(req, 'scope')
    ?.split(' ')
    .filter((s) => s !== '') ?? ['openid'];
  const unknown = scopes.find((scope) => scope !== 'openid');
  if (unknown !== undefined) throw new OAuthError('invalid_scope', `unsupported scope for client_credentials: ${unknown}`);
  const now = Date.now();
  const key = await activeKey(deps);
  const accessToken = deps.accessTokens.sign({
    issuer: deps.issuer,
    subject: client.id,
    clientId: client.id,
    scopes,
    ttlMs: deps.idTokenTtlMs,
    now,
  });
  const idToken = await signClientIdToken({ issuer: deps.issuer, key, clientId: client.id, ttlMs: deps.idTokenTtlMs, now });
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: Math.floor(deps.idTokenTtlMs / 1000),
    id_token: idToken,
    scope: scopes.join(' '),
  };
};

/** The grant types this worker serves; anything else is `unsupported_grant_type`. */
const GRANTS: ReadonlyMap<string, GrantHandler> = new Map([
  ['authorization_code', authorizationCode],
  ['refresh_token', refreshToken],
  ['client_credentials', clientCredentials],
]);

export const SUPPORTED_GRANT_TYPES: readonly string[] = [...GRANTS.keys()];

/** The token request body's limits (the other protocol endpoints' too). */
export const TOKEN_FORM_LIMITS: FormLimits = { maxBytes: 32 * 1024, maxParameters: 100 };

/**
 * `<issuer>/token`: POST only, errors per RFC 6749 §5.2, answers never cached. A plain
 * node:http handler, not an Express route: it serves every grant and refresh of every client,
 * so it reads its form and writes its answer itself (the worker's front sends it the
 * requests for this exact path, see `createWorkerFront`).
 */
export function tokenEndpoint(deps: TokenDeps) {
  return async (req: IncomingMessage, res: ResponseWithLocals): Promise<void> => {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      sendOAuthError(res, new OAuthError('invalid_request', 'the token endpoint accepts POST only', 405));
      return;
    }
    let label = 'other';
    try {
      const form = await readForm(req, TOKEN_FORM_LIMITS);
      if (form.body === undefined) {
        throw new OAuthError('invalid_request', 'the token request must be application/x-www-form-urlencoded');
      }
      const grantType = formParam(form, 'grant_type');
      if (grantType === undefined) throw new OAuthError('invalid_request', 'missing required parameter: grant_type');
      const grant = GRANTS.get(grantType);
      if (grant === undefined) throw new OAuthError('unsupported_grant_type', `unsupported grant_type: ${grantType}`);
      label = grantType;
      sendUncachedJson(res, 200, await grant(form, deps, locals(res).log));
      deps.metrics.grants.inc({ grant_type: label, outcome: 'ok' });
    } catch (error) {
      const oauthError = toOAuthError(error, res);
      deps.metrics.grants.inc({ grant_type: label, outcome: oauthError.error });
      sendOAuthError(res, oauthError);
    }
  };
}
