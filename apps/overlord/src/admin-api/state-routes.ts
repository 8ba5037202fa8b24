import { Router } from 'express';
import { ADMIN_API_PATHS, type TState } from '@dex/shared/admin-api';
import type { Database } from '@dex/shared/db';
import { hasAdminUser } from '@dex/shared/domain/users';
import { DEX_VERSION } from '@dex/shared/version';

export interface StateRoutesDeps {
  db: Database;
}

/**
 * `GET /api/v1/state`: dex v0's `{"AdminUserCreated": bool}` (reference §3.1), plus counts,
 * the database provider and the release. v0 clients ignore the added members. Mounted before
 * `adminRoutes`, whose v0-only handler it supersedes.
 */
export function stateRoutes(deps: StateRoutesDeps): Router {
  const router = Router();
  const { prisma } = deps.db;

  router.get(ADMIN_API_PATHS.state, async (_req, res) => {
    const [adminUserCreated, clients, users, connectors] = await Promise.all([
      hasAdminUser(prisma),
      prisma.client.count(),
      prisma.user.count(),
      prisma.connectorConfig.count(),
    ]);
    const body: TState = {
      AdminUserCreated: adminUserCreated,
      clients,
      users,
      connectors,
      database: deps.db.provider,
      version: DEX_VERSION,
    };
    res.json(body);
  });

  return router;
}
