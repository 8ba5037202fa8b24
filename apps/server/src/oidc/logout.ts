import type { ServerResponse } from 'node:http';
import type { PrismaDb } from '@dex/shared/db';
import { endBrowserSession, findBrowserSession } from '@dex/shared/domain/auth';
import { findClient } from '@dex/shared/domain/clients';
import { hasValidCsrfToken, issueCsrfToken } from '#http/csrf.ts';
import { param } from '#http/params.ts';
import type { WorkerRequest } from '#http/request.ts';
import { sendHtml } from '#http/respond.ts';
import type { Route } from '#http/router.ts';
import { clearSessionCookie, readSessionCookie, type SessionCookieOptions } from '#http/session-cookie.ts';
import type { RenderError } from '#pages/error-page.ts';
import type { RecordLoginEvent } from '#ops/login-event-recorder.ts';
import { renderLoggedOutPage, renderLogoutConfirmPage } from '#pages/logout-page.ts';
import type { KeyCache } from './key-cache.ts';
import { redirectWithParams } from './redirect.ts';
import { verifyOwnIdToken } from './verify-id-token.ts';

export interface LogoutDeps {
  prisma: PrismaDb;
  issuer: string;
  issuerName: string;
  issuerPath: string;
  keys: KeyCache;
  cookie: SessionCookieOptions;
  renderError: RenderError;
  /** Records a `logout` event for the session that ended (or the user the hint names). */
  recordLoginEvent: RecordLoginEvent;
}

const FORWARDED = ['id_token_hint', 'post_logout_redirect_uri', 'state', 'client_id'] as const;

/**
 * `GET|POST <issuer>/logout` (OIDC RP-Initiated Logout 1.0): ends the browser's single
 * sign-on session. With a valid `id_token_hint` it happens at once; without one the user
 * confirms first (a CSRF-protected form), so a third-party page cannot log users out. The
 * browser is sent to `post_logout_redirect_uri` only when it exactly matches a redirect URI
 * registered by the client named by the hint or `client_id`: never an open redirect. A logout
 * of a known user (the ended session's, or the hint's `sub`) is recorded as a login event.
 * @example routes.set('/logout', logoutRoute({ prisma, issuer, issuerName, issuerPath, keys, cookie, renderError }));
 */
export function logoutRoute(deps: LogoutDeps): Route {
  return { methods: ['GET', 'POST'], errors: 'html', body: 'form', handle: logout(deps) };
}

function logout(deps: LogoutDeps) {
  return async (req: WorkerRequest, res: ServerResponse): Promise<void> => {
    const params: Record<string, string> = {};
    for (const name of FORWARDED) {
      const value = param(req.params, name);
      if (value !== undefined) params[name] = value;
    }

    let hintedClient: string | undefined;
    let hintedUser: { sub: string; email?: string } | undefined;
    let hintValid = false;
    if (params.id_token_hint !== undefined) {
      const claims = await verifyOwnIdToken(params.id_token_hint, { keys: deps.keys, issuer: deps.issuer });
      if (claims === null) return deps.renderError(res, 400, 'Invalid request', 'The logout request carries an invalid id_token_hint.');
      hintValid = true;
      if (typeof claims.sub === 'string') {
        hintedUser = { sub: claims.sub, ...(typeof claims.email === 'string' ? { email: claims.email } : {}) };
      }
      hintedClient = typeof claims.azp === 'string' ? claims.azp : typeof claims.aud === 'string' ? claims.aud : claims.aud?.[0];
    }
    if (params.client_id !== undefined && hintedClient !== undefined && params.client_id !== hintedClient) {
      return deps.renderError(res, 400, 'Invalid request', 'client_id does not match the id_token_hint.');
    }
    const clientId = params.client_id ?? hintedClient;
    let redirectTo: string | undefined;
    if (params.post_logout_redirect_uri !== undefined) {
      const client = clientId === undefined ? null : await findClient(deps.prisma, clientId);
      if (client === null || !client.redirectUris.includes(params.post_logout_redirect_uri)) {
        return deps.renderError(res, 400, 'Invalid request', 'post_logout_redirect_uri is not registered for this client.');
      }
      redirectTo = params.post_logout_redirect_uri;
    }

    const confirmed = req.method === 'POST' && param(req.form, 'confirm') === 'yes' && hasValidCsrfToken(req);
    if (!hintValid && !confirmed) {
      const csrfToken = issueCsrfToken(req, res, { path: deps.cookie.path, secure: deps.cookie.secure });
      const page = renderLogoutConfirmPage({
        issuerName: deps.issuerName,
        postUrl: `${deps.issuerPath}/logout`,
        csrfToken,
        fields: params,
      });
      sendHtml(res, 200, page, { noStore: true });
      return;
    }

    const cookie = readSessionCookie(req);
    const ended = cookie === undefined ? null : await findBrowserSession(deps.prisma, cookie);
    if (cookie !== undefined) await endBrowserSession(deps.prisma, cookie);
    clearSessionCookie(res, deps.cookie);
    const userId = ended?.userId ?? hintedUser?.sub;
    if (userId !== undefined) {
      const email = ended?.user.email ?? hintedUser?.email;
      await deps.recordLoginEvent({
        type: 'logout',
        userId,
        ...(email === undefined ? {} : { email }),
        ...(ended === null ? {} : { connectorId: ended.connectorId }),
        ...(clientId === undefined ? {} : { clientId }),
        clientAddress: req.clientAddress,
      });
    }
    if (redirectTo !== undefined) {
      redirectWithParams(res, redirectTo, { state: params.state });
      return;
    }
    sendHtml(res, 200, renderLoggedOutPage({ issuerName: deps.issuerName }));
  };
}
