import { Router } from 'express';
import { PROCESS_API_PATHS, type TProcessList } from '@dex/shared/admin-api';
import type { PrismaDb } from '@dex/shared/db';
import { listProcesses } from '@dex/shared/domain/heartbeats';

/**
 * `GET /api/v1/processes`: every worker and overlord of the deployment as its heartbeat last
 * reported it (healthy, degraded or silent for N s), the key each worker signs with, and
 * whether they agree.
 */
export function processRoutes(deps: { prisma: PrismaDb }): Router {
  const router = Router();
  router.get(PROCESS_API_PATHS.processes, async (_req, res) => {
    const body: TProcessList = await listProcesses(deps.prisma);
    res.set('Cache-Control', 'no-store').json(body);
  });
  return router;
}
