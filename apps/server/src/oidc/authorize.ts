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
import { checkRequestObject } from './checks/check-request-object.ts';
import { checkResponseMode } from './checks/check-response-mode.ts';
import { checkResponseType } from './checks/check-response-type.ts';
import { checkScope } from './checks/check-scope.ts';
import type { IdentifiedLogin } from './complete-login.ts';
import { needsConsent } from './consent.ts';
import { deviceCallbackUri } from './device/device-pages.ts';
import { type ResponseMode, respondToClient } from './redirect.ts';

/**
 * The checks of an authorization request, in order (reference §2.2, modernised). The first
 * two fail with an error page; once the redirect URI is trusted, failures go back to the
 * client as `?error=`.
 */
const AUTHORIZE_CHECKS: readonly AuthorizeCheck[] = [
  checkClient,
  checkRedirectUri,
  checkResponseMode,
  checkRequestObject,
  checkResponseType,
  checkScope,
  checkPkce,
  checkPrompt,
];

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
  /** `--enable-registration`: the connector whose users may register (`register=1` leads to its `/register` page). */
  registrationConnectorId?: string;
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
    /** Answers the client at its (trusted) redirect URI, in the response mode it asked for. */
    const answer = (redirectUri: string, mode: ResponseMode, fields: { error: string; error_description: string }) =>
      respondToClient(res, {
        redirectUri,
        mode,
        issuerName: deps.issuerName,
        params: { ...fields, state: params.state, iss: deps.issuer },
      });
    try {
      for (const check of AUTHORIZE_CHECKS) await check(request, checkDeps);
    } catch (error) {
      if (!(error instanceof AuthorizeError)) throw error;
      if (error.redirect && request.redirectUri !== undefined) {
        answer(request.redirectUri, request.responseMode ?? 'query', error.toOAuthJSON());
      } else {
        deps.renderError(res, 400, 'Invalid request', `The application sent an invalid login request: ${error.message}.`);
      }
      return;
    }
    const { client, redirectUri, scopes, responseMode } = request;
    if (client === undefined || redirectUri === undefined || scopes === undefined || responseMode === undefined) {
      throw new Error('authorize checks incomplete');
    }
    const sessionOptions = {
      clientId: client.id,
      redirectUri,
      redirectUriGiven: request.redirectUriGiven ?? true,
      responseMode,
      forceConsent: request.prompts?.has('consent') ?? false,
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
      if (prompts.has('none') && (await needsConsent(deps.prisma, { client, userId: sso.userId, scopes, force: false }))) {
        answer(redirectUri, responseMode, { error: 'consent_required', error_description: 'the user has not approved this application' });
        return;
      }
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
      answer(redirectUri, responseMode, {
        error: 'login_required',
        error_description: sso === null ? 'the user is not logged in' : 'the login is older than max_age',
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
        answer(redirectUri, responseMode, { error: 'invalid_request', error_description: `unknown connector_id: ${chosenId}` });
        return;
      }
      const base = new URLSearchParams(params);
      const available = await deps.connectors.availability(connectors);
      sendHtml(
        res,
        200,
        renderChooserPage({
          issuerName: deps.issuerName,
          links: connectors.map((c) => {
            const query = new URLSearchParams(base);
            query.set('connector_id', c.id);
            const url = `${deps.issuerPath}/auth?${query.toString()}`;
            return { id: c.id, displayName: c.displayName, url, available: available.get(c.id) ?? true };
          }),
          ...(connectors.some((c) => c.id === deps.registrationConnectorId)
            ? { registerUrl: `${deps.issuerPath}/auth?${registerQuery(base, deps.registrationConnectorId ?? '')}` }
            : {}),
        }),
      );
      return;
    }
    const session = await createAuthSession(deps.prisma, { ...sessionOptions, connectorId: connector.id });
    if (params.register === '1' && connector.id === deps.registrationConnectorId) {
      redirect(res, `${deps.issuerPath}/register?session=${encodeURIComponent(session.id)}`);
      return;
    }
    redirect(res, connector.loginUrl(session, { loginHint: params.login_hint, prompts, maxAgeSeconds: request.maxAgeSeconds }));
  };
}

/** The authorization request again, for the registering connector, with dex v0's `register=1`. */
function registerQuery(base: URLSearchParams, connectorId: string): string {
  const query = new URLSearchParams(base);
  query.set('connector_id', connectorId);
  query.set('register', '1');
  return query.toString();
}
