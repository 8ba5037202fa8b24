import { Router } from 'express';
import { KEY_API_PATHS, ZRotateKeysRequest, type TSigningKeyList } from '@dex/shared/admin-api';
import { toRotateKeysResult, toSigningKeyView } from '@dex/shared/admin-api/views';
import type { PrismaDb } from '@dex/shared/db';
import { recordAuditEvent } from '@dex/shared/domain/audit';
import { listSigningKeys, nextRotationAt, rotateSigningKeysOnDemand } from '@dex/shared/domain/keys';
import { parseBody } from '@dex/shared/admin-api/requests';

export interface KeyRoutesDeps {
  prisma: PrismaDb;
  /** Key secrets (the first encrypts new keys). */
  keySecrets: readonly Uint8Array[];
  /** `--key-period`: how long a key signs. */
  keyPeriodMs: number;
  /** `--key-publish-delay`: how long a new key is published before it signs. */
  keyPublishDelayMs: number;
  /** Algorithm of keys made on demand (`--key-alg`). */
  keyAlg: 'RS256' | 'ES256';
}

/**
 * The signing key chain: list it, and rotate on demand, publishing the new key first (a
 * drill, a policy) or at once for a leaked key (`{"mode": "immediate"}`).
 */
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
      publishDelaySeconds: deps.keyPublishDelayMs / 1000,
    };
    res.json(body);
  });

  router.post(KEY_API_PATHS.rotate, async (req, res) => {
    const { mode = 'publish-first' } = parseBody(ZRotateKeysRequest, req.body);
    const rotation = await rotateSigningKeysOnDemand(prisma, {
      secrets: deps.keySecrets,
      keyPeriodMs: deps.keyPeriodMs,
      publishDelayMs: deps.keyPublishDelayMs,
      alg: deps.keyAlg,
      mode,
    });
    const body = toRotateKeysResult(rotation, {
      keys: await listSigningKeys(prisma),
      publishDelayMs: deps.keyPublishDelayMs,
      now: new Date(),
    });
    await recordAuditEvent(prisma, {
      actor: 'admin-api',
      action: 'keys.rotate',
      targetType: 'signing_key',
      targetId: rotation.kid,
      before: { activeKid: rotation.previousKid },
      after: { activeKid: rotation.kid, mode, activatesAt: body.activatesAt, withdrawn: rotation.withdrawn },
    });
    res.json(body);
  });

  return router;
}
