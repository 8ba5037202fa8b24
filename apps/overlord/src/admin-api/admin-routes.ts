import { Router } from 'express';
import { ADMIN_API_PATHS, type TAdmin, ZCreateAdminRequest } from '@dex/shared/admin-api';
import type { PrismaDb } from '@dex/shared/db';
import { recordAuditEvent } from '@dex/shared/domain/audit';
import { createUser, findUserById, type UserRecord } from '@dex/shared/domain/users';
import { AppError } from '@dex/shared/errors';
import { actorOf } from './require-admin.ts';

export interface AdminRoutesDeps {
  prisma: PrismaDb;
  localConnectorId: string;
}

function toAdmin(user: UserRecord): TAdmin {
  return { id: user.id, email: user.email };
}

/** dex v0's admin endpoints (reference §3.1), minus the password in responses. */
export function adminRoutes(deps: AdminRoutesDeps): Router {
  const router = Router();

  router.post(ADMIN_API_PATHS.admin, async (req, res) => {
    const parsed = ZCreateAdminRequest.safeParse(req.body ?? {});
    if (!parsed.success) {
      throw new AppError('BAD_REQUEST', { message: parsed.error.issues[0]?.message ?? 'invalid request body' });
    }
    const user = await createUser(deps.prisma, {
      email: parsed.data.email,
      password: parsed.data.password,
      admin: true,
      localConnectorId: deps.localConnectorId,
    });
    await recordAuditEvent(deps.prisma, {
      actor: actorOf(res),
      action: 'admin.create',
      targetType: 'user',
      targetId: user.id,
      after: toAdmin(user),
    });
    res
      .status(200)
      .location(ADMIN_API_PATHS.adminById.replace(':id', encodeURIComponent(user.id)))
      .json(toAdmin(user));
  });

  router.get(ADMIN_API_PATHS.adminById, async (req, res) => {
    const user = await findUserById(deps.prisma, req.params.id ?? '');
    if (user === null || !user.admin) throw new AppError('NOT_FOUND', { message: 'admin user not found' });
    res.json(toAdmin(user));
  });

  return router;
}
