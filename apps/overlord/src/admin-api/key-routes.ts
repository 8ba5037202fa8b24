import { Router } from 'express';
import { KEY_API_PATHS, type TRotateKeysResult, type TSigningKey, type TSigningKeyList } from '@dex/shared/admin-api';
import type { PrismaDb } from '@dex/shared/db';
import { recordAuditEvent } from '@dex/shared/domain/audit';
import { keyState, listSigningKeys, nextRotationAt, rotateSigningKeysNow, type SigningKeyView } from '@dex/shared/domain/keys';

export interface KeyRoutesDeps {
  prisma: PrismaDb;
  /** Key secrets (the first encrypts new keys). */
  keySecrets: readonly Uint8Array[];
  /** `--key-period`: how long a key signs. */
  keyPeriodMs: number;
}

/** A key's identity, state and windows, picked field by field so no key material can slip in. */
function toSigningKey(key: SigningKeyView, now: Date): TSigningKey {
  return {
    kid: key.kid,
    alg: key.alg,
    state: keyState(key, now),
    createdAt: key.createdAt.toISOString(),
    activatesAt: key.activatesAt.toISOString(),
    retiresAt: key.retiresAt?.toISOString() ?? null,
    expiresAt: key.expiresAt?.toISOString() ?? null,
  };
}

/** The signing key chain: list it, and rotate on demand (a suspected key leak, a drill). */
export function keyRoutes(deps: KeyRoutesDeps): Router {
  const router = Router();
  const { prisma } = deps;

  router.get(KEY_API_PATHS.keys, async (_req, res) => {
    const now = new Date();
    const keys = await listSigningKeys(prisma);
    const body: TSigningKeyList = {
      keys: keys.map((key) => toSigningKey(key, now)),
      nextRotationAt: nextRotationAt(keys, now)?.toISOString() ?? null,
      keyPeriodSeconds: deps.keyPeriodMs / 1000,
    };
    res.json(body);
  });

  router.post(KEY_API_PATHS.rotate, async (_req, res) => {
    const previous = (await listSigningKeys(prisma)).find((key) => keyState(key, new Date()) === 'active');
    const kid = await rotateSigningKeysNow(prisma, { secrets: deps.keySecrets, keyPeriodMs: deps.keyPeriodMs });
    await recordAuditEvent(prisma, {
      actor: 'admin-api',
      action: 'keys.rotate',
      targetType: 'signing_key',
      targetId: kid,
      before: { activeKid: previous?.kid ?? null },
      after: { activeKid: kid },
    });
    const now = new Date();
    const body: TRotateKeysResult = { kid, keys: (await listSigningKeys(prisma)).map((key) => toSigningKey(key, now)) };
    res.json(body);
  });

  return router;
}
