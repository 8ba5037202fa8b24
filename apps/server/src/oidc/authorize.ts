import type { ServerResponse } from 'node:http';
import type { PrismaDb } from '@dex/shared/db';
import { type AuthSessionRecord, type BrowserSessionRecord, createAuthSession } from '@dex/shared/domain/auth';
import { findClient } from '@dex/shared/domain/clients';
import type { ConnectorRegistry } from '#connectors/connector-registry.ts';
import { singleParams } from '#http/params.ts';
import type { WorkerRequest } from '#http/request.ts';
import { redirect, sendHtml } from '#http/respond.ts';
import type { Route } from '#http/router.ts';
import { renderChooserPage } from '#pages/chooser-page.ts';
import type { RenderError } from '#pages/error-page.ts';
import { type AuthorizeCheck, AuthorizeError, type AuthorizeParams, type AuthorizeRequest } from './checks/authorize-request.ts';
import { checkClient } from './checks/check-client.ts';
import { checkPkce } from './checks/check-pkce.ts';
import { checkPrompt } from './checks/check-prompt.ts';
import { checkRedirectUri } from './checks/check-redirect-uri.ts';
import { checkResponseType } from './checks/check-response-type.ts';
import { checkScope } from './checks/check-scope.ts';
import type { IdentifiedLogin } from './complete-login.ts';
import { deviceCallbackUri } from './device/device-pages.ts';
import { redirectWithParams } from './redirect.ts';

/**
 * The checks of an authorization request, in order (reference §2.2, modernised). The first
 * two fail with an error page; once the redirect URI is trusted, failures go back to the
 * client as `?error=`.
 */
const AUTHORIZE_CHECKS: readonly AuthorizeCheck[] = [checkClient, checkRedirectUri, checkResponseType, checkScope, checkPkce, checkPrompt];

export interface AuthorizeDeps {
  prisma: PrismaDb;
  issuer: string;
  issuerPath: string;
  issuerName: string;
  connectors: ConnectorRegistry;
  renderError: RenderError;
  /** The browser's live single sign-on session, when SSO is on. */
  readBrowserSession?: (req: WorkerRequest) => Promise<BrowserSessionRecord | null>;
  issueCode(res: ServerResponse, session: AuthSessionRecord, login: IdentifiedLogin): Promise<void>;
}

/**
 * `GET|POST <issuer>/auth`: validates the request (the query of a GET, the form of a POST,
 * each parameter given once), then sends the browser to a connector.
 * @example routes.set('/auth', authorizeRoute({ prisma, issuer, issuerPath, issuerName, connectors, renderError, issueCode }));
 */
export function authorizeRoute(deps: AuthorizeDeps): Route {
  return { methods: ['GET', 'POST'], errors: 'html', body: 'form', handle: authorize(deps) };
}

function authorize(deps: AuthorizeDeps) {
  const checkDeps = { findClient: (id: string) => findClient(deps.prisma, id), deviceCallbackUri: deviceCallbackUri(deps.issuer) };

  return async (req: WorkerRequest, res: ServerResponse): Promise<void> => {
    const params: AuthorizeParams = singleParams(req.params);
    const request: AuthorizeRequest = { params };
    try {
      for (const check of AUTHORIZE_CHECKS) await check(request, checkDeps);
    } catch (error) {
      if (!(error instanceof AuthorizeError)) throw error;
      if (error.redirect && request.redirectUri !== undefined) {
        redirectWithParams(res, request.redirectUri, { ...error.toOAuthJSON(), state: params.state, iss: deps.issuer });
      } else {
        deps.renderError(res, 400, 'Invalid request', `The application sent an invalid login request: ${error.message}.`);
      }
      return;
    }
    const { client, redirectUri, scopes } = request;
    if (client === undefined || redirectUri === undefined || scopes === undefined) throw new Error('authorize checks incomplete');
    const sessionOptions = {
      clientId: client.id,
      redirectUri,
      redirectUriGiven: request.redirectUriGiven ?? true,
      scopes,
      ...(params.state === undefined ? {} : { clientState: params.state }),
      ...(params.nonce === undefined || params.nonce === '' ? {} : { nonce: params.nonce }),
      ...(request.codeChallenge === undefined ? {} : { codeChallenge: request.codeChallenge }),
      ...(request.codeChallengeMethod === undefined ? {} : { codeChallengeMethod: request.codeChallengeMethod }),
    };

    // Single sign-on: a browser session that is recent enough completes the request at once.
    const prompts = request.prompts ?? new Set<string>();
    const sso = deps.readBrowserSession === undefined ? null : await deps.readBrowserSession(req);
    const mustAuthenticate = prompts.has('login') || prompts.has('select_account');
    const tooOld =
      sso !== null && request.maxAgeSeconds !== undefined && Date.now() - sso.authTime.getTime() > request.maxAgeSeconds * 1000;
    if (sso !== null && !mustAuthenticate && !tooOld) {
      const session = await createAuthSession(deps.prisma, { ...sessionOptions, connectorId: sso.connectorId });
      await deps.issueCode(res, session, {
        userId: sso.userId,
        connectorId: sso.connectorId,
        identity: sso.identity,
        authTime: sso.authTime,
      });
      return;
    }
    if (prompts.has('none')) {
      redirectWithParams(res, redirectUri, {
        error: 'login_required',
        error_description: sso === null ? 'the user is not logged in' : 'the login is older than max_age',
        state: params.state,
        iss: deps.issuer,
      });
      return;
    }

    const connectors = await deps.connectors.list();
    const chosenId = params.connector_id;
    const connector =
      chosenId !== undefined && chosenId !== ''
        ? connectors.find((c) => c.id === chosenId)
        : connectors.length === 1
          ? connectors[0]
          : undefined;
    if (connectors.length === 0) {
      deps.renderError(res, 503, 'Login unavailable', 'No way to log in is configured yet. Ask an administrator to add a connector.');
      return;
    }
    if (connector === undefined) {
      if (chosenId !== undefined && chosenId !== '') {
        redirectWithParams(res, redirectUri, {
          error: 'invalid_request',
          error_description: `unknown connector_id: ${chosenId}`,
          state: params.state,
          iss: deps.issuer,
        });
        return;
      }
      const base = new URLSearchParams(params);
      sendHtml(
        res,
        200,
        renderChooserPage({
          issuerName: deps.issuerName,
          links: connectors.map((c) => {
            const query = new URLSearchParams(base);
            query.set('connector_id', c.id);
            return { id: c.id, displayName: c.displayName, url: `${deps.issuerPath}/auth?${query.toString()}` };
          }),
        }),
      );
      return;
    }
    const session = await createAuthSession(deps.prisma, { ...sessionOptions, connectorId: connector.id });
    redirect(res, connector.loginUrl(session, { loginHint: params.login_hint, prompts, maxAgeSeconds: request.maxAgeSeconds }));
  };
}
