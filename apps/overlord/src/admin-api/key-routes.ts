import { Router } from 'express';
import { KEY_API_PATHS, type TRotateKeysResult, type TSigningKeyList } from '@dex/shared/admin-api';
import { toSigningKeyView } from '@dex/shared/admin-api/views';
import type { PrismaDb } from '@dex/shared/db';
import { recordAuditEvent } from '@dex/shared/domain/audit';
import { listSigningKeys, nextRotationAt, rotateSigningKeysOnDemand } from '@dex/shared/domain/keys';

export interface KeyRoutesDeps {
  prisma: PrismaDb;
  /** Key secrets (the first encrypts new keys). */
  keySecrets: readonly Uint8Array[];
  /** `--key-period`: how long a key signs. */
  keyPeriodMs: number;
  /** Algorithm of keys made on demand (`--key-alg`). */
  keyAlg: 'RS256' | 'ES256';
}

/** The signing key chain: list it, and rotate on demand (a suspected key leak, a drill). */
export function keyRoutes(deps: KeyRoutesDeps): Router {
  const router = Router();
  const { prisma } = deps;

  router.get(KEY_API_PATHS.keys, async (_req, res) => {
    const now = new Date();
    const keys = await listSigningKeys(prisma);
    const body: TSigningKeyList = {
      keys: keys.map((key) => toSigningKeyView(key, now)),
      nextRotationAt: nextRotationAt(keys, now)?.toISOString() ?? null,
      keyPeriodSeconds: deps.keyPeriodMs / 1000,
    };
    res.json(body);
  });

  router.post(KEY_API_PATHS.rotate, async (_req, res) => {
    const rotation = await rotateSigningKeysOnDemand(prisma, { secrets: deps.keySecrets, keyPeriodMs: deps.keyPeriodMs, alg: deps.keyAlg });
    const { kid } = rotation;
    await recordAuditEvent(prisma, {
      actor: 'admin-api',
      action: 'keys.rotate',
      targetType: 'signing_key',
      targetId: kid,
      before: { activeKid: rotation.previousKid },
      after: { activeKid: kid },
    });
    const now = new Date();
    const body: TRotateKeysResult = { kid, keys: (await listSigningKeys(prisma)).map((key) => toSigningKeyView(key, now)) };
    res.json(body);
  });

  return router;
}
