import type { RequestListener } from 'node:http';
import express, { type Response } from 'express';
import type { Database } from '@dex/shared/db';
import { findBrowserSession } from '@dex/shared/domain/auth';
import type { TConnectorConfig } from '@dex/shared/domain/connectors';
import { logHttpError, requestContext, type ResponseWithLocals } from '@dex/shared/http';
import type { Logger } from '@dex/shared/logging';
import type { WorkerConfig } from './env.ts';
import { ConnectorRegistry } from './connectors/connector-registry.ts';
import { createLdapConnector } from './connectors/ldap-connector.ts';
import { createLocalConnector } from './connectors/local-connector.ts';
import { createOidcConnector } from './connectors/oidc-connector.ts';
import type { Connector, ConnectorContext } from './connectors/types.ts';
import { createWorkerFront, type JsonDocument, jsonDocumentHandler, observeRequest } from './http/front.ts';
import { WorkerMetrics } from './http/metrics.ts';
import { FailureRateLimiter } from './http/rate-limit.ts';
import { readSessionCookie } from './http/session-cookie.ts';
import { authorizeHandler } from './oidc/authorize.ts';
import { type CompleteLoginDeps, createCompleteLogin, issueCode } from './oidc/complete-login.ts';
import { logoutHandler } from './oidc/logout.ts';
import { providerMetadata } from './oidc/discovery.ts';
import { oauthJsonErrors, sendOAuthError, toOAuthError } from './oidc/protocol-errors.ts';
import { introspectionHandler } from './oidc/introspection.ts';
import { KeyCache } from './oidc/key-cache.ts';
import { revocationHandler } from './oidc/revocation.ts';
import { AccessTokenKeys } from './oidc/tokens.ts';
import { registrationHandler } from './oidc/registration.ts';
import { tokenEndpoint } from './oidc/token.ts';
import { userinfoHandler } from './oidc/userinfo.ts';
import { createTokenStore } from './store/token-store.ts';
import { renderErrorPage } from './pages/error-page.ts';

export interface WorkerAppDeps {
  db: Database;
  logger: Logger;
  config: Readonly<WorkerConfig>;
}

export interface WorkerApp {
  /** The request listener: the token endpoint in front, the Express app behind it. */
  handler: RequestListener;
  metrics: WorkerMetrics;
  keys: KeyCache;
  connectors: ConnectorRegistry;
}

/**
 * The OpenID Provider as a request listener (no listening: main.ts does that): the token
 * endpoint served directly by the front, every other route by an Express app. Every route
 * lives under the issuer's path, as in dex v0.6.
 */
export function createWorkerApp(deps: WorkerAppDeps): WorkerApp {
  const { config } = deps;
  const issuer = config.issuer;
  const issuerUrl = new URL(issuer);
  const issuerPath = issuerUrl.pathname.replace(/\/$/, '');
  const prisma = deps.db.prisma;
  const renderError = (res: Response, status: number, title: string, message: string) => {
    res
      .status(status)
      .type('html')
      .send(renderErrorPage({ issuerName: config.issuerName, title, message }));
  };

  const metrics = new WorkerMetrics();
  const accessTokens = new AccessTokenKeys(config.keySecrets);
  const keys = new KeyCache({ prisma, secrets: config.keySecrets, logger: deps.logger });
  const store = createTokenStore(deps.db.driver);
  const cookie = { path: issuerPath === '' ? '/' : issuerPath, secure: issuerUrl.protocol === 'https:' };
  const loginDeps: CompleteLoginDeps = {
    prisma,
    automaticRegistration: config.enableAutomaticRegistration,
    issuer,
    issuerName: config.issuerName,
    ssoSessionTtlMs: config.ssoSessionTtlMs,
    cookie,
    renderError,
  };
  const readBrowserSession = async (req: express.Request) => {
    const value = readSessionCookie(req);
    return value === undefined ? null : findBrowserSession(prisma, value);
  };
  const context: ConnectorContext = {
    issuer,
    issuerName: config.issuerName,
    issuerPath,
    secureCookies: cookie.secure,
    completeLogin: createCompleteLogin(loginDeps),
    renderError,
  };
  const loginLimits = {
    prisma,
    metrics,
    perAccount: new FailureRateLimiter({ max: config.loginLimits.perAccount, windowMs: config.loginLimits.windowMs }),
    perAddress: new FailureRateLimiter({ max: config.loginLimits.perAddress, windowMs: config.loginLimits.windowMs }),
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

  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 100 });

  const authorize = authorizeHandler({
    prisma,
    issuer,
    issuerPath,
    issuerName: config.issuerName,
    connectors,
    renderError,
    ...(config.ssoSessionTtlMs === null ? {} : { readBrowserSession }),
    issueCode: (res, session, login) => issueCode(loginDeps, res, session, login),
  });
  const logout = logoutHandler({ prisma, issuer, issuerName: config.issuerName, issuerPath, keys, cookie, renderError });
  router.get('/logout', logout);
  router.post('/logout', form, logout);

  router.all('/auth', form, async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.set('Allow', 'GET, POST');
      renderError(res, 405, 'Method not allowed', 'Use GET or POST.');
      return;
    }
    await authorize(req, res);
  });

  router.all('/auth/:connectorId/*subPath', form, async (req, res) => {
    const connector = await connectors.find(String(req.params.connectorId));
    if (connector === undefined) {
      renderError(res, 404, 'Unknown connector', 'This way of logging in does not exist (any more).');
      return;
    }
    const subPath = ([] as string[]).concat(req.params.subPath ?? []).join('/');
    await connector.handle(subPath, req, res);
  });

  router.all('/token/revoke', form, revocationHandler({ prisma, clients: store, issuer, accessTokens, idTokenTtlMs: config.idTokenTtlMs }));
  router.all(
    '/token/introspect',
    form,
    introspectionHandler({ prisma, clients: store, issuer, accessTokens, refreshTokenIdleTtlMs: config.refreshTokenIdleTtlMs }),
  );
  router.all('/userinfo', form, userinfoHandler({ prisma, issuer, accessTokens }));

  if (config.enableClientRegistration) {
    router.post('/registration', express.json({ limit: '16kb' }), registrationHandler({ prisma }), oauthJsonErrors);
  }

  router.get('/health', async (_req, res) => {
    const probe = async (name: string, check: () => Promise<void>): Promise<[string, string]> => {
      try {
        await check();
        return [name, 'ok'];
      } catch (error) {
        return [name, error instanceof Error ? error.message : 'unhealthy'];
      }
    };
    // The database first (the connector list comes from it), then the rest at once: a slow
    // upstream delays the answer by its own timeout, not by the sum of everyone's.
    const database = await probe('database', () => deps.db.ping());
    const others = [
      probe('signing_key', async () => {
        if ((await keys.get()).active === null) throw new Error('no active signing key');
      }),
    ];
    if (database[1] === 'ok') {
      for (const connector of await connectors.list()) {
        others.push(probe(`connector:${connector.id}`, () => connector.checkHealth?.() ?? Promise.resolve()));
      }
    }
    const checks = Object.fromEntries([database, ...(await Promise.all(others))]);
    const healthy = Object.values(checks).every((value) => value === 'ok');
    res
      .status(healthy ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: healthy ? 'ok' : 'error', checks });
  });

  router.get('/metrics', (_req, res) => {
    res.type('text/plain; version=0.0.4; charset=utf-8').set('Cache-Control', 'no-store').send(metrics.render());
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', false);
  app.use(requestContext(deps.logger));
  app.use((req, res, next) => {
    observeRequest(req, res, metrics, () => (req.route === undefined ? 'unmatched' : `${req.baseUrl}${String(req.route.path)}`));
    next();
  });
  app.use(issuerPath === '' ? '/' : issuerPath, router);
  app.use((_req, res) => {
    renderError(res, 404, 'Not found', 'There is no such page.');
  });
  app.use((error: unknown, _req: express.Request, res: Response, _next: express.NextFunction) => {
    const appError = logHttpError(error, res);
    if (res.headersSent) return;
    renderError(res, appError.status, appError.status >= 500 ? 'Server error' : 'Bad request', appError.userMessage);
  });
  const token = tokenEndpoint({
    prisma,
    store,
    issuer,
    keys,
    accessTokens,
    idTokenTtlMs: config.idTokenTtlMs,
    refreshTokenTtlMs: config.refreshTokenTtlMs,
    refreshTokenIdleTtlMs: config.refreshTokenIdleTtlMs,
    metrics,
  });
  // The metadata never changes while the worker runs: serialized once.
  const discovery: JsonDocument = {
    body: JSON.stringify(providerMetadata(issuer, { registration: config.enableClientRegistration })),
    cacheControl: 'public, max-age=86400',
  };
  const jwks = async (): Promise<JsonDocument> => {
    const keySet = await keys.get();
    return { body: keys.jwksJson(keySet), cacheControl: `public, max-age=${keys.cacheSeconds()}, must-revalidate` };
  };
  const jsonError = (error: unknown, res: ResponseWithLocals) => sendOAuthError(res, toOAuthError(error, res));
  const handler = createWorkerFront({
    app,
    logger: deps.logger,
    metrics,
    routes: new Map([
      [`${issuerPath}/.well-known/openid-configuration`, jsonDocumentHandler(() => discovery, jsonError)],
      [`${issuerPath}/keys`, jsonDocumentHandler(jwks, jsonError)],
      [`${issuerPath}/token`, token],
    ]),
  });
  return { handler, keys, connectors, metrics };
}
