import type { RequestListener } from 'node:http';
import { DEFAULT_SERVER_TIMEOUTS } from '@dex/shared/config';
import type { Database } from '@dex/shared/db';
import { findBrowserSession } from '@dex/shared/domain/auth';
import { OOB_REDIRECT_URI } from '@dex/shared/domain/clients';
import { LOCAL_CONNECTOR_ID } from '@dex/shared/domain/users';
import type { TConnectorConfig } from '@dex/shared/domain/connectors';
import { createEmailer, type Emailer, loadEmailTemplates } from '@dex/shared/email';
import type { Logger } from '@dex/shared/logging';
import type { AccountDeps } from './accounts/account-deps.ts';
import { AccountLinks } from './accounts/account-links.ts';
import { acceptInvitationRoute } from './accounts/accept-invitation.ts';
import { registerRoute } from './accounts/register.ts';
import { registerIdentityRoute } from './accounts/register-identity.ts';
import { resendVerifyEmailRoute } from './accounts/resend-verify-email.ts';
import { switchConnectorRoute } from './accounts/switch-connector.ts';
import { resetPasswordRoute } from './accounts/reset-password.ts';
import { sendResetPasswordRoute } from './accounts/send-reset-password.ts';
import { verifyEmailRoute } from './accounts/verify-email.ts';
import { ConnectorRegistry } from './connectors/connector-registry.ts';
import { connectorPagesRoute } from './connectors/connector-pages.ts';
import { createLdapConnector } from './connectors/ldap-connector.ts';
import { createLocalConnector } from './connectors/local-connector.ts';
import { createOidcConnector } from './connectors/oidc-connector.ts';
import type { Connector, ConnectorContext } from './connectors/types.ts';
import { accountEndpoints } from './api/account-api.ts';
import { clientEndpoints } from './api/clients-api.ts';
import { userEndpoints } from './api/users-api.ts';
import { workerApiRoute } from './api/worker-api.ts';
import type { WorkerConfig } from './env.ts';
import { parseTrustedProxies, trustedProxyAddress } from './http/client-address.ts';
import { WorkerMetrics } from './http/metrics.ts';
import { Cors } from './http/cors.ts';
import { EmailLimits } from './http/email-limits.ts';
import { LoginLimits } from './http/rate-limit.ts';
import type { WorkerRequest } from './http/request.ts';
import { createRouter, type Route, type RouteTable } from './http/router.ts';
import { readSessionCookie } from './http/session-cookie.ts';
import { authorizeRoute } from './oidc/authorize.ts';
import { namedClientId } from './oidc/client-auth.ts';
import { ClientWebOrigins } from './oidc/client-origins.ts';
import { answerClient, type CompleteLoginDeps, createCompleteLogin, issueApprovedCode, issueCode } from './oidc/complete-login.ts';
import { deviceAuthorizationRoute } from './oidc/device/device-authorization.ts';
import { deviceCallbackRoute, deviceCodeEntryRoute, type DevicePagesDeps } from './oidc/device/device-pages.ts';
import { approvalRoute } from './oidc/consent.ts';
import { authorizationServerMetadataRoute, discoveryRoute } from './oidc/discovery.ts';
import type { GrantDeps } from './oidc/grants/grant.ts';
import { introspectionRoute } from './oidc/introspection.ts';
import { jwksRoute } from './oidc/jwks.ts';
import { AccessTokens } from './oidc/jwt-access-tokens.ts';
import { KeyCache } from './oidc/key-cache.ts';
import { logoutRoute } from './oidc/logout.ts';
import { registrationRoute } from './oidc/registration.ts';
import { revocationRoute } from './oidc/revocation.ts';
import { tokenRoute } from './oidc/token-endpoint.ts';
import { userinfoRoute } from './oidc/userinfo.ts';
import { healthRoute } from './ops/health-route.ts';
import { loginEventRecorder } from './ops/login-event-recorder.ts';
import { metricsRoute } from './ops/metrics-route.ts';
import { errorPageRenderer } from './pages/error-page.ts';
import { createTokenStore } from './store/create-token-store.ts';

export interface WorkerAppDeps {
  db: Database;
  logger: Logger;
  config: Readonly<WorkerConfig>;
}

export interface WorkerApp {
  /** The request listener: the route table behind one router. */
  handler: RequestListener;
  /** With `--metrics-listen`: the listener of that address (`/metrics` and `/health` at its root). */
  opsHandler?: RequestListener;
  /** Every route, by path below the issuer path (see `RouteTable` for the path rule). */
  routes: RouteTable;
  metrics: WorkerMetrics;
  keys: KeyCache;
  connectors: ConnectorRegistry;
  /** The emailer of `--email-cfg` (tests drain it; main.ts closes it). */
  emailer: Emailer;
}

/**
 * The OpenID Provider as a request listener (no listening: main.ts does that). Every route
 * lives under the issuer's path, as in dex v0.6, in one table: the machine endpoints
 * (discovery, JWKS, token, revocation, introspection, userinfo, registration), the pages a
 * browser sees (`/auth`, the connectors' pages, logout) and the operational ones (health,
 * metrics).
 */
export function createWorkerApp(deps: WorkerAppDeps): WorkerApp {
  const { config } = deps;
  const issuer = config.issuer;
  const issuerUrl = new URL(issuer);
  const issuerPath = issuerUrl.pathname.replace(/\/$/, '');
  const prisma = deps.db.prisma;
  const renderError = errorPageRenderer(config.issuerName);

  const metrics = new WorkerMetrics();
  const keys = new KeyCache({ prisma, secrets: config.keySecrets, logger: deps.logger });
  const accessTokens = new AccessTokens({ keySecrets: config.keySecrets, issuer, keys });
  const store = createTokenStore(deps.db.driver);
  const cookie = { path: issuerPath === '' ? '/' : issuerPath, secure: issuerUrl.protocol === 'https:' };
  const recordLoginEvent = loginEventRecorder({ prisma, logger: deps.logger, metrics });
  const loginDeps: CompleteLoginDeps = {
    prisma,
    automaticRegistration: config.enableAutomaticRegistration,
    issuer,
    issuerName: config.issuerName,
    issuerPath,
    ssoSessionTtlMs: config.ssoSessionTtlMs,
    cookie,
    renderError,
    keySecrets: config.keySecrets,
    recordLoginEvent,
    registration: config.enableRegistration === true,
    // The registry is made below; this runs only once a login completes.
    connectorName: async (id) => (await connectors.find(id))?.displayName,
  };
  const emailer = createEmailer({
    config: config.emailer,
    templates: loadEmailTemplates(config.emailTemplatesDir),
    issuerName: config.issuerName,
    logger: deps.logger,
    registry: metrics.registry,
  });
  const links = new AccountLinks({ prisma, issuer, keys });
  const accounts: AccountDeps = {
    prisma,
    issuer,
    issuerPath,
    issuerName: config.issuerName,
    links,
    emailer,
    limits: new EmailLimits(prisma, { perEmail: 3, perAddress: 20, windowMs: 3_600_000 }),
    renderError,
    cookie: { path: cookie.path, secure: cookie.secure },
    localConnectorId: LOCAL_CONNECTOR_ID,
  };
  const context: ConnectorContext = {
    issuer,
    issuerName: config.issuerName,
    issuerPath,
    secureCookies: cookie.secure,
    completeLogin: createCompleteLogin(loginDeps),
    renderError,
    accountPages: {
      registration: config.enableRegistration === true,
      passwordReset: emailer.isConfigured,
    },
  };
  const loginLimits = {
    prisma,
    metrics,
    limits: new LoginLimits(prisma, config.loginLimits),
    recordLoginEvent,
  };
  const build = (config: TConnectorConfig, ctx: ConnectorContext): Connector | null =>
    config.type === 'local'
      ? createLocalConnector(config, ctx, loginLimits)
      : config.type === 'oidc'
        ? createOidcConnector(config, ctx, { prisma, metrics })
        : config.type === 'ldap'
          ? createLdapConnector(config, ctx, loginLimits)
          : null;
  const connectors = new ConnectorRegistry({ prisma, context, build, logger: deps.logger });
  const readBrowserSession = async (req: WorkerRequest) => {
    const value = readSessionCookie(req);
    return value === undefined ? null : findBrowserSession(prisma, value);
  };
  const grants: GrantDeps = {
    prisma,
    store,
    issuer,
    keys,
    accessTokens,
    idTokenTtlMs: config.idTokenTtlMs,
    refreshTokenTtlMs: config.refreshTokenTtlMs,
    refreshTokenIdleTtlMs: config.refreshTokenIdleTtlMs,
    refreshTokenReuseIntervalMs: config.refreshTokenReuseIntervalMs,
    connectors,
    keySecrets: config.keySecrets,
  };
  const devicePages: DevicePagesDeps = {
    prisma,
    issuer,
    issuerPath,
    issuerName: config.issuerName,
    cookie,
    renderError,
    failureWindowMs: config.loginLimits.windowMs,
  };

  const apiDeps = { prisma, issuer, accessTokens, keys, apiUseClientCredentials: config.apiUseClientCredentials ?? false };
  const workerApi = workerApiRoute(apiDeps, [
    ...clientEndpoints(apiDeps),
    ...userEndpoints({ ...apiDeps, localConnectorId: LOCAL_CONNECTOR_ID, links, emailer }),
    ...accountEndpoints({ prisma, idTokenTtlMs: config.idTokenTtlMs }),
  ]);
  const routes = new Map<string, Route>([
    // Machine endpoints: JSON in, OAuth JSON errors out.
    ['/.well-known/openid-configuration', discoveryRoute(issuer, { registration: config.enableClientRegistration })],
    [
      '/.well-known/oauth-authorization-server',
      authorizationServerMetadataRoute(issuer, { registration: config.enableClientRegistration }),
    ],
    ['/keys', jwksRoute(keys)],
    ['/token', tokenRoute({ ...grants, metrics })],
    ['/token/revoke', revocationRoute({ prisma, clients: store, issuer, accessTokens, idTokenTtlMs: config.idTokenTtlMs })],
    [
      '/token/introspect',
      introspectionRoute({ prisma, clients: store, issuer, accessTokens, refreshTokenIdleTtlMs: config.refreshTokenIdleTtlMs }),
    ],
    ['/userinfo', userinfoRoute({ prisma, issuer, accessTokens })],
    [
      '/device/code',
      deviceAuthorizationRoute({
        prisma,
        clients: store,
        issuer,
        codeTtlMs: config.device.codeTtlMs,
        pollIntervalSeconds: config.device.pollIntervalSeconds,
      }),
    ],
    // Pages: what a browser sees, HTML error pages.
    [
      '/auth',
      authorizeRoute({
        prisma,
        issuer,
        issuerPath,
        issuerName: config.issuerName,
        connectors,
        renderError,
        ...(config.ssoSessionTtlMs === null ? {} : { readBrowserSession }),
        issueCode: (res, session, login) => issueCode(loginDeps, res, session, login),
        ...(config.enableRegistration === true ? { registrationConnectorId: LOCAL_CONNECTOR_ID } : {}),
      }),
    ],
    ['/auth/*', connectorPagesRoute(connectors)],
    ['/device', deviceCodeEntryRoute(devicePages)],
    ['/device/callback', deviceCallbackRoute(devicePages)],
    [
      '/approval',
      approvalRoute({
        prisma,
        issuerName: config.issuerName,
        issuerPath,
        cookie,
        renderError,
        approve: (res, session) => issueApprovedCode(loginDeps, res, session),
        deny: (res, session) =>
          session.redirectUri === OOB_REDIRECT_URI
            ? renderError(res, 403, 'Access denied', 'You did not allow the application to use your account.')
            : answerClient(loginDeps, res, session, { error: 'access_denied', error_description: 'the user denied the request' }),
      }),
    ],
    ['/switch-connector', switchConnectorRoute({ prisma, connectors, renderError })],
    ['/logout', logoutRoute({ prisma, issuer, issuerName: config.issuerName, issuerPath, keys, cookie, renderError, recordLoginEvent })],
    ['/api/v1/*', workerApi],
    // Account pages: email verification, password reset, invitations (and /register below).
    ['/verify-email', verifyEmailRoute(accounts)],
    ['/resend-verify-email', resendVerifyEmailRoute({ ...accounts, keys, accessTokens })],
    ['/send-reset-password', sendResetPasswordRoute(accounts)],
    ['/reset-password', resetPasswordRoute(accounts)],
    ['/accept-invitation', acceptInvitationRoute(accounts)],
  ]);
  if (config.enableRegistration === true) {
    routes.set('/register', registerRoute(accounts));
    routes.set('/register/identity', registerIdentityRoute({ ...accounts, login: loginDeps }));
  }
  if (config.enableClientRegistration) {
    const limits = config.registration ?? { perAddress: 10, windowMs: 3_600_000 };
    routes.set(
      '/registration',
      registrationRoute({
        prisma,
        ...(limits.initialAccessToken === undefined ? {} : { initialAccessToken: limits.initialAccessToken }),
        perAddress: { max: limits.perAddress, windowMs: limits.windowMs },
      }),
    );
  }
  // Operations: under the issuer, or with `--metrics-listen` on that address only (/health on both).
  const health = healthRoute({ db: deps.db, keys, connectors });
  const ops = new Map<string, Route>([
    ['/health', health],
    ['/metrics', metricsRoute(metrics)],
  ]);
  const cors = new Cors({ allowedOrigins: config.allowedOrigins, clients: new ClientWebOrigins(prisma), clientOf: namedClientId });
  const router = (path: string, table: ReadonlyMap<string, Route>) =>
    createRouter({
      issuerPath: path,
      routes: table,
      logger: deps.logger,
      metrics,
      showErrorPage: (res, page) => renderError(res, page.status, page.title, page.message),
      timeouts: config.timeouts ?? DEFAULT_SERVER_TIMEOUTS,
      cors,
      ...(config.trustedProxies.length === 0 ? {} : { clientAddress: trustedProxyAddress(parseTrustedProxies(config.trustedProxies)) }),
    });
  if (config.metricsListen === undefined) {
    for (const [path, route] of ops) routes.set(path, route);
    return { handler: router(issuerPath, routes), routes, keys, connectors, metrics, emailer };
  }
  routes.set('/health', health);
  return { handler: router(issuerPath, routes), opsHandler: router('', ops), routes, keys, connectors, metrics, emailer };
}
