import type { Response } from 'express';
import type { PrismaDb } from '@dex/shared/db';
import {
  type AuthSessionRecord,
  type ConnectorIdentity,
  createBrowserSession,
  findAuthSession,
  identifyAuthSession,
} from '@dex/shared/domain/auth';
import { OOB_REDIRECT_URI } from '@dex/shared/domain/clients';
import { findUserByRemoteIdentity } from '@dex/shared/domain/users';
import { type SessionCookieOptions, setSessionCookie } from '#http/session-cookie.ts';
import { renderOobPage } from '#pages/oob-page.ts';
import { redirectWithParams } from './redirect.ts';

export interface CompleteLoginDeps {
  prisma: PrismaDb;
  issuer: string;
  issuerName: string;
  /** Single sign-on: how long a browser session lasts, or null when SSO is off. */
  ssoSessionTtlMs: number | null;
  cookie: SessionCookieOptions;
  renderError(res: Response, status: number, title: string, message: string): void;
}

export interface IdentifiedLogin {
  userId: string;
  connectorId: string;
  identity: ConnectorIdentity;
  authTime: Date;
}

const EXPIRED = 'This login request is no longer valid. Go back to the application and start again.';

/**
 * Records who logged in on the authorization session, issues the single-use code and hands
 * it to the client: a redirect with `code`, `state` and `iss`, or, for the out-of-band
 * redirect URI, a page that shows the code (reference §2.11).
 */
export async function issueCode(deps: CompleteLoginDeps, res: Response, session: AuthSessionRecord, login: IdentifiedLogin): Promise<void> {
  const code = await identifyAuthSession(deps.prisma, { sessionId: session.id, ...login });
  if (code === null) {
    deps.renderError(res, 400, 'Login expired', EXPIRED);
    return;
  }
  if (session.redirectUri === OOB_REDIRECT_URI) {
    res
      .set('Cache-Control', 'no-store')
      .type('html')
      .send(renderOobPage({ issuerName: deps.issuerName, code }));
    return;
  }
  redirectWithParams(res, session.redirectUri, { code, state: session.clientState ?? undefined, iss: deps.issuer });
}

/**
 * The end of every connector's login (reference §2.4 `Server.Login`): maps the upstream
 * identity to a dex user, starts the browser's single sign-on session and issues the code.
 */
export function createCompleteLogin(deps: CompleteLoginDeps) {
  return async (options: { sessionId: string; connectorId: string; identity: ConnectorIdentity; res: Response }): Promise<void> => {
    const { res } = options;
    const session = await findAuthSession(deps.prisma, options.sessionId);
    if (session === null || session.state !== 'NEW') {
      deps.renderError(res, 400, 'Login expired', EXPIRED);
      return;
    }
    const user = await findUserByRemoteIdentity(deps.prisma, { connectorId: options.connectorId, remoteId: options.identity.id });
    if (user === null) {
      deps.renderError(res, 403, 'No account', 'There is no account for this identity. Ask an administrator to create one.');
      return;
    }
    if (user.disabled) {
      redirectWithParams(res, session.redirectUri, {
        error: 'access_denied',
        error_description: 'the account is disabled',
        state: session.clientState ?? undefined,
        iss: deps.issuer,
      });
      return;
    }
    const login: IdentifiedLogin = { userId: user.id, connectorId: options.connectorId, identity: options.identity, authTime: new Date() };
    if (deps.ssoSessionTtlMs !== null) {
      const cookie = await createBrowserSession(deps.prisma, { ...login, ttlMs: deps.ssoSessionTtlMs, now: login.authTime });
      setSessionCookie(res, cookie, deps.ssoSessionTtlMs, deps.cookie);
    }
    await issueCode(deps, res, session, login);
  };
}
