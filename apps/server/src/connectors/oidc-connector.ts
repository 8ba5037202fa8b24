import * as oidc from 'openid-client';
import { type AuthSessionRecord, findAuthSession } from '@dex/shared/domain/auth';
import { OOB_REDIRECT_URI } from '@dex/shared/domain/clients';
import type { TConnectorConfig } from '@dex/shared/domain/connectors';
import type { PrismaDb } from '@dex/shared/db';
import { locals } from '@dex/shared/http';
import type { TConnectorLoginFailure, WorkerMetrics } from '#http/metrics.ts';
import { param } from '#http/params.ts';
import type { WorkerRequest } from '#http/request.ts';
import { redirect, type WorkerResponse } from '#http/respond.ts';
import { answerClient } from '#oidc/complete-login.ts';
import { identityFromClaims, needsUserinfo } from './oidc-identity.ts';
import { describeUpstreamError, UpstreamDiscovery } from '@dex/shared/upstream';
import type { Connector, ConnectorContext, RefreshData } from './types.ts';
import { failureFor } from './upstream-failure.ts';
import { refreshUpstreamIdentity, upstreamRefreshData } from './upstream-refresh.ts';
import { FreshnessSigner, freshnessOf, maxAuthAgeSeconds, parseFreshness, upstreamFreshnessParams } from './upstream-freshness.ts';
import { clearUpstreamLoginCookie, readUpstreamLoginCookie, setUpstreamLoginCookie } from './upstream-login-cookie.ts';

export type OidcConnectorConfig = Extract<TConnectorConfig, { type: 'oidc' }>;

export interface OidcConnectorDeps {
  prisma: PrismaDb;
  metrics: WorkerMetrics;
}

export const DEFAULT_OIDC_SCOPES: readonly string[] = ['openid', 'email', 'profile'];

/**
 * The `oidc` connector (reference §2.3, §6.2): dex as a relying party of another OpenID
 * Provider, on `openid-client`. `/auth/<id>/login?session=<id>` sends the browser upstream
 * with PKCE (S256), `state` and `nonce`; `/auth/<id>/callback` (the redirect URI to register
 * upstream) redeems the code, reads the ID token's claims (and userinfo's, for what the ID
 * token lacks) and hands the identity to `completeLogin`.
 *
 * The upstream `state` is the authorization session id, as dex v0 used its session key:
 * 256 random bits, bound to this connector, worthless once the session is identified. The
 * PKCE verifier and the nonce stay in the browser that started the login, in a cookie named
 * after the state (see `upstream-login-cookie.ts`); a callback without that cookie, or whose
 * state names no NEW session of this connector, is refused.
 *
 * With `offlineAccess` in the config, a login whose client asked for `offline_access` asks the
 * upstream for it too; the upstream refresh token it gets is kept (sealed) and redeemed at
 * each refresh to read the groups again (see `upstream-refresh.ts`).
 *
 * Denied consent upstream (`error=access_denied`) is sent to the client as
 * `error=access_denied` with its `state` and `iss`: the application learns the login failed.
 * Every other failure (upstream unreachable, client credentials refused, an ID token that
 * does not verify) is an error page (502) that says what failed without internals, and is
 * logged with its cause.
 *
 * Each attempt is counted once in `dex_connector_logins_total` where it ends: at the callback
 * (success, or the reason it failed), or when the login cannot even start (upstream
 * unreachable). A login abandoned at the upstream is not counted.
 */
export function createOidcConnector(config: OidcConnectorConfig, context: ConnectorContext, deps: OidcConnectorDeps): Connector {
  const connectorPath = `${context.issuerPath}/auth/${encodeURIComponent(config.id)}`;
  const issuerUrl = new URL(context.issuer);
  const callbackUrl = `${issuerUrl.origin}${connectorPath}/callback`;
  const cookie = { path: `${connectorPath}/`, secure: context.secureCookies };
  const scopes = config.scopes ?? DEFAULT_OIDC_SCOPES;
  const discovery = new UpstreamDiscovery({ issuerURL: config.issuerURL, clientID: config.clientID, clientSecret: config.clientSecret });
  const freshnessSigner = new FreshnessSigner(config.clientSecret);
  deps.metrics.declareConnector(config);

  async function loadSession(sessionId: string | undefined): Promise<AuthSessionRecord | null> {
    if (sessionId === undefined || sessionId.length > 128) return null;
    const session = await findAuthSession(deps.prisma, sessionId);
    return session !== null && session.state === 'NEW' && session.connectorId === config.id ? session : null;
  }

  const expired = (res: WorkerResponse) =>
    context.renderError(res, 400, 'Login expired', 'This login request is no longer valid. Go back to the application and start again.');

  const record = (reason: TConnectorLoginFailure | null) =>
    deps.metrics.recordConnectorLogin(
      reason === null
        ? { connector: config.id, type: 'oidc', outcome: 'success' }
        : { connector: config.id, type: 'oidc', outcome: 'failure', reason },
    );

  function fail(res: WorkerResponse, error: unknown, step: string): void {
    const failure = failureFor(error, config.id);
    record(failure.reason);
    locals(res).log.warn({ connectorId: config.id, step, reason: describeUpstreamError(error) }, 'upstream login failed');
    context.renderError(res, failure.status, failure.title, failure.message);
  }

  /** The user said no upstream: the client hears `access_denied` (RFC 6749 §4.1.2.1). */
  function denied(res: WorkerResponse, session: AuthSessionRecord): void {
    record('access_denied');
    if (session.redirectUri === OOB_REDIRECT_URI) {
      context.renderError(res, 403, 'Login cancelled', `The login at "${config.id}" was cancelled or refused.`);
      return;
    }
    answerClient(context, res, session, {
      error: 'access_denied',
      error_description: 'the user denied the login at the upstream identity provider',
    });
  }

  async function startLogin(req: WorkerRequest, res: WorkerResponse): Promise<void> {
    const session = await loadSession(param(req.query, 'session'));
    if (session === null) return expired(res);
    // The client's prompt=login / max_age, as /auth signed it into this URL.
    const freshness = parseFreshness(param(req.query, 'fresh') ?? '');
    if (freshness === null || !freshnessSigner.verify(session.id, freshness, param(req.query, 'sig'))) {
      record('session_expired');
      return expired(res);
    }
    let upstream: oidc.Configuration;
    try {
      upstream = await discovery.get();
    } catch (error) {
      return fail(res, error, 'discovery');
    }
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const params: Record<string, string> = {
      redirect_uri: callbackUrl,
      scope: scopes.join(' '),
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: session.id,
      nonce,
      ...upstreamFreshnessParams(freshness),
    };
    // `offlineAccess`: a client that asked for a refresh token gets one that can re-read the
    // identity upstream, so dex asks for one there too (OIDC Core §11: with prompt=consent).
    if (config.offlineAccess === true && session.scopes.includes('offline_access')) {
      if (!scopes.includes('offline_access')) params.scope = `${params.scope} offline_access`;
      params.prompt = params.prompt === undefined ? 'consent' : `${params.prompt} consent`;
    }
    const loginHint = param(req.query, 'login_hint');
    if (loginHint !== undefined) params.login_hint = loginHint.slice(0, 254);
    let authorizationUrl: URL;
    try {
      authorizationUrl = oidc.buildAuthorizationUrl(upstream, params);
    } catch (error) {
      return fail(res, error, 'authorization request');
    }
    const signature = freshnessSigner.sign(session.id, freshness);
    setUpstreamLoginCookie(
      res,
      session.id,
      { codeVerifier, nonce, freshness, signature },
      { ...cookie, maxAgeMs: session.expiresAt.getTime() - Date.now() },
    );
    res.setHeader('Cache-Control', 'no-store');
    redirect(res, authorizationUrl.href);
  }

  async function finishLogin(req: WorkerRequest, res: WorkerResponse): Promise<void> {
    const state = param(req.query, 'state');
    if (state !== undefined) clearUpstreamLoginCookie(res, state, cookie);
    const session = await loadSession(state);
    if (session === null) {
      record('session_expired');
      return expired(res);
    }
    const secrets = readUpstreamLoginCookie(req, session.id);
    if (secrets === null || !freshnessSigner.verify(session.id, secrets.freshness, secrets.signature)) {
      record('session_expired');
      context.renderError(
        res,
        400,
        'Login expired',
        'This login was not started in this browser, or it took too long. Go back to the application and start again (cookies must be allowed).',
      );
      return;
    }
    let upstream: oidc.Configuration;
    try {
      upstream = await discovery.get();
    } catch (error) {
      return fail(res, error, 'discovery');
    }
    const target = req.raw.url ?? '';
    const query = target.indexOf('?');
    const currentUrl = new URL(callbackUrl);
    currentUrl.search = query === -1 ? '' : target.slice(query);
    let identity: ReturnType<typeof identityFromClaims>;
    let refreshData: RefreshData | undefined;
    try {
      const maxAge = maxAuthAgeSeconds(secrets.freshness, session.createdAt);
      const tokens = await oidc.authorizationCodeGrant(upstream, currentUrl, {
        pkceCodeVerifier: secrets.codeVerifier,
        expectedState: session.id,
        expectedNonce: secrets.nonce,
        // prompt=login / max_age: the upstream's auth_time must show a recent enough login.
        ...(maxAge === undefined ? {} : { maxAge }),
      });
      const claims = tokens.claims();
      if (claims === undefined) throw new Error('no ID token in the token response');
      const hasUserinfo = upstream.serverMetadata().userinfo_endpoint !== undefined;
      const userinfo =
        hasUserinfo && needsUserinfo(config, claims) ? await oidc.fetchUserInfo(upstream, tokens.access_token, claims.sub) : undefined;
      identity = identityFromClaims(config, claims, userinfo);
      refreshData = upstreamRefreshData(tokens, claims.sub);
    } catch (error) {
      if (error instanceof oidc.AuthorizationResponseError && error.error === 'access_denied') return denied(res, session);
      return fail(res, error, 'callback');
    }
    record(null);
    await context.completeLogin({
      sessionId: session.id,
      connectorId: config.id,
      identity,
      ...(refreshData === undefined ? {} : { refreshData }),
      clientAddress: req.clientAddress,
      res,
    });
  }

  return {
    id: config.id,
    type: 'oidc',
    displayName: config.name ?? config.id,
    loginUrl: (session, hints) => {
      const query = new URLSearchParams({ session: session.id });
      if (hints.loginHint !== undefined && hints.loginHint !== '') query.set('login_hint', hints.loginHint.slice(0, 254));
      const freshness = freshnessOf(hints);
      if (freshness !== '') query.set('fresh', freshness);
      query.set('sig', freshnessSigner.sign(session.id, freshness));
      return `${connectorPath}/login?${query.toString()}`;
    },
    async checkHealth() {
      // Asks the upstream again (at most every 15 s): cached metadata says nothing about whether it answers now.
      await discovery.check();
    },
    async refresh(data) {
      return refreshUpstreamIdentity(config, await discovery.get(), data);
    },
    steps: { login: ['GET'], callback: ['GET'] },
    async handle(step, req, res) {
      await (step === 'login' ? startLogin(req, res) : finishLogin(req, res));
    },
  };
}
