import express, { type Express } from 'express';
import { ADMIN_API_PATHS, type THealth } from '@dex/shared/admin-api';
import type { Database } from '@dex/shared/db';
import { DEFAULT_KEY_PUBLISH_DELAY_MS } from '@dex/shared/domain/keys';
import { AppError } from '@dex/shared/errors';
import { jsonErrorHandler, locals, refuseUnstorableInput, requestContext } from '@dex/shared/http';
import type { Logger } from '@dex/shared/logging';
import { METRICS_CONTENT_TYPE } from '@dex/shared/metrics';
import { adminRoutes } from './admin-api/admin-routes.ts';
import { auditRoutes } from './admin-api/audit-routes.ts';
import { eventsRoutes } from './admin-api/events-routes.ts';
import { clientsRoutes } from './admin-api/clients-routes.ts';
import { connectorsRoutes } from './admin-api/connectors-routes.ts';
import { corsFor } from './admin-api/cors.ts';
import { keyRoutes } from './admin-api/key-routes.ts';
import { consoleSessionRoutes } from './admin-api/console-session-routes.ts';
import { processRoutes } from './admin-api/process-routes.ts';
import { requireAdmin } from './admin-api/require-admin.ts';
import { requireAdminSecret } from './admin-api/require-admin-secret.ts';
import { stateRoutes } from './admin-api/state-routes.ts';
import { userRoutes } from './admin-api/user-routes.ts';
import type { Emailer } from '@dex/shared/email';
import type { ConsoleBuild } from './console/build-console.ts';
import { consoleSignInRoutes } from './console-sign-in/console-sign-in-routes.ts';
import { signInFlowKey } from './console-sign-in/derived-secrets.ts';
import type { WorkerProvider } from './console-sign-in/worker-provider.ts';
import { consoleSite } from './console/serve-console.ts';
import type { OverlordMetrics } from './metrics.ts';

export interface AdminAppDeps {
  db: Database;
  logger: Logger;
  adminApiSecret: string;
  localConnectorId: string;
  /** Key secrets (the first encrypts) and the key period, for rotating keys on demand. */
  keySecrets: readonly Uint8Array[];
  keyPeriodMs: number;
  /** `--key-publish-delay` (default 5 min): how long an on-demand rotation publishes the new key before it signs. */
  keyPublishDelayMs?: number;
  /** Algorithm of signing keys made on demand (default RS256). */
  keyAlg?: 'RS256' | 'ES256';
  /** Browser origins allowed to call the admin API (CORS); none by default. */
  consoleOrigins?: readonly string[];
  /** The bound of each request or LDAP operation of "Test connection" (default 5 s). */
  connectorTestTimeoutMs?: number;
  /** Served at `/metrics` (behind the admin secret) when given. */
  metrics?: OverlordMetrics;
  /** The built console renderer, served at `/console/`; null serves no console. */
  consoleDir?: string | null;
  /** The overlord's own build of the renderer into `consoleDir`, when it makes one. */
  consoleBuild?: ConsoleBuild;
  /** Invitation and password-reset emails (`--email-cfg`, `--issuer`); without, those endpoints answer 501. */
  mail?: { issuer: string | undefined; emailer: Emailer };
  /**
   * "Sign in with dex": the deployment's worker (null or absent: break-glass only) and the
   * console client's redirect URI, `<public URL>/console/callback`.
   */
  consoleSignIn?: { worker: WorkerProvider | null; redirectUri: () => string };
}

/**
 * The admin HTTP API, without listening (main.ts and tests listen). `/health` is public;
 * everything under `/api` needs the admin secret.
 */
export function createAdminApp(deps: AdminAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestContext(deps.logger));
  // Before the secret check: browsers send CORS preflights without credentials.
  app.use(corsFor(deps.consoleOrigins ?? []));

  // Public: the answer says only whether the database answers. Why not (the driver's text,
  // which names the host and port) goes to the log, for the operator.
  app.get(ADMIN_API_PATHS.health, async (_req, res) => {
    try {
      await deps.db.ping();
      const body: THealth = { status: 'ok', database: deps.db.provider };
      res.json(body);
    } catch (error) {
      locals(res).log.error({ err: error }, 'health check: the database does not answer');
      const body: THealth = { status: 'error', database: deps.db.provider, message: 'the database is unavailable' };
      res.status(503).set('Cache-Control', 'no-store').json(body);
    }
  });

  const metrics = deps.metrics;
  if (metrics !== undefined) {
    app.get('/metrics', requireAdminSecret(deps.adminApiSecret), async (_req, res) => {
      const text = await metrics.render();
      res.type(METRICS_CONTENT_TYPE).set('Cache-Control', 'no-store').send(text);
    });
  }

  // Before the console's files: the sign-in through dex lives under /console/.
  app.use(
    consoleSignInRoutes({
      prisma: deps.db.prisma,
      logger: deps.logger,
      worker: deps.consoleSignIn?.worker ?? null,
      flowKey: signInFlowKey(deps.adminApiSecret),
      redirectUri: deps.consoleSignIn?.redirectUri ?? (() => ''),
    }),
  );
  if (deps.consoleDir != null) app.use(consoleSite({ dir: deps.consoleDir, build: deps.consoleBuild }));

  // The console's sign-in and session: before the guard, which they stand in for.
  app.use(
    consoleSessionRoutes({ prisma: deps.db.prisma, adminApiSecret: deps.adminApiSecret, worker: deps.consoleSignIn?.worker ?? null }),
  );
  app.use(
    '/api',
    requireAdmin({ secret: deps.adminApiSecret, prisma: deps.db.prisma }),
    express.json({ limit: '100kb' }),
    refuseUnstorableInput,
  );
  // Before adminRoutes: serves `/api/v1/state` with the counts added to v0's body.
  app.use(stateRoutes({ db: deps.db }));
  app.use(adminRoutes({ prisma: deps.db.prisma, localConnectorId: deps.localConnectorId }));
  app.use(clientsRoutes({ prisma: deps.db.prisma }));
  app.use(
    connectorsRoutes({
      prisma: deps.db.prisma,
      ...(deps.connectorTestTimeoutMs === undefined ? {} : { connectorTestTimeoutMs: deps.connectorTestTimeoutMs }),
    }),
  );
  app.use(
    userRoutes({
      prisma: deps.db.prisma,
      localConnectorId: deps.localConnectorId,
      ...(deps.mail === undefined ? {} : { mail: { ...deps.mail, keySecrets: deps.keySecrets } }),
    }),
  );
  app.use(auditRoutes({ prisma: deps.db.prisma }));
  app.use(eventsRoutes({ prisma: deps.db.prisma }));
  app.use(processRoutes({ prisma: deps.db.prisma }));
  app.use(
    keyRoutes({
      prisma: deps.db.prisma,
      keySecrets: deps.keySecrets,
      keyPeriodMs: deps.keyPeriodMs,
      keyPublishDelayMs: deps.keyPublishDelayMs ?? DEFAULT_KEY_PUBLISH_DELAY_MS,
      keyAlg: deps.keyAlg ?? 'RS256',
    }),
  );
  app.use((req, _res, next) => {
    next(new AppError('NOT_FOUND', { message: `no route for ${req.method} ${req.path}` }));
  });
  app.use(jsonErrorHandler);
  return app;
}
