import type { PrismaDb } from '@dex/shared/db';
import { findClient } from '@dex/shared/domain/clients';
import { findUserById } from '@dex/shared/domain/users';
import { OAuthError } from '@dex/shared/errors';
import { sendJson } from '#http/respond.ts';
import type { Route } from '#http/router.ts';
import { findAccessTokenSubject } from '#oidc/access-token-subject.ts';
import type { AccessTokens } from '#oidc/jwt-access-tokens.ts';
import type { KeyCache } from '#oidc/key-cache.ts';
import { verifyOwnIdToken } from '#oidc/verify-id-token.ts';
import type { AccountDeps } from './account-deps.ts';

const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

export interface ResendVerifyEmailDeps extends Pick<AccountDeps, 'prisma' | 'links' | 'emailer'> {
  issuer: string;
  keys: KeyCache;
  accessTokens: AccessTokens;
}

/** The client a client-credentials access token was issued to, or null (dex v0's client-token middleware). */
async function bearerClient(prisma: PrismaDb, accessTokens: AccessTokens, header: string | undefined): Promise<string | null> {
  const token = BEARER.exec(header ?? '')?.[1];
  const claims = token === undefined ? null : await accessTokens.verify(token);
  const subject = claims === null ? null : await findAccessTokenSubject(prisma, claims);
  return subject?.kind === 'client' ? subject.client.id : null;
}

/**
 * `POST <issuer>/resend-verify-email` (dex v0 §2.8): a client asks for the verification email
 * of a user who logged in to it. `Authorization: Bearer` with the client's client-credentials
 * access token; JSON `{"token": <the user's ID token>, "redirectURI": <registered for the client>}`.
 * The ID token must be this provider's, unexpired, and issued to that client (else 403
 * `access_denied`); an already verified address is 400. Success is 200 `{}`, and the email
 * goes out after the answer. A user deleted since the ID token was issued gets the same
 * 200 `{}` (nothing is sent), so the answer never tells whether an account still exists.
 */
export function resendVerifyEmailRoute(deps: ResendVerifyEmailDeps): Route {
  return {
    methods: ['POST'],
    errors: 'json',
    challenge: 'bearer',
    body: 'json',
    bodyRequired: true,
    async handle(req, res) {
      const clientId = await bearerClient(deps.prisma, deps.accessTokens, req.header('authorization'));
      if (clientId === null) throw new OAuthError('access_denied', 'missing or invalid token', { status: 401 });
      const body = req.json;
      const idToken = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).token : undefined;
      const redirectUri = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).redirectURI : undefined;
      if (typeof idToken !== 'string' || idToken === '') throw new OAuthError('invalid_request', 'token is required');
      const claims = await verifyOwnIdToken(idToken, { keys: deps.keys, issuer: deps.issuer });
      if (claims === null || typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) {
        throw new OAuthError('invalid_request', 'token is not a valid ID token of this provider');
      }
      const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!audience.includes(clientId)) throw new OAuthError('access_denied', 'JWT is from another client.', { status: 403 });
      const client = await findClient(deps.prisma, clientId);
      if (typeof redirectUri !== 'string' || client === null || !client.redirectUris.includes(redirectUri)) {
        throw new OAuthError('invalid_request', 'redirectURI must be registered for the client');
      }
      const userId = claims.sub;
      const user = await findUserById(deps.prisma, userId);
      if (user?.emailVerified === true) throw new OAuthError('invalid_request', 'email already verified');
      if (user !== null && !user.disabled) {
        deps.emailer.sendLater('verify-email', async () => {
          const { url, email } = await deps.links.create({ purpose: 'verify-email', userId, audience: clientId, callback: redirectUri });
          return { to: email, link: url };
        });
      }
      sendJson(res, 200, {});
    },
  };
}
