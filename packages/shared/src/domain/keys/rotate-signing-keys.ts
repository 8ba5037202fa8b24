import { encryptWithSecret, type GeneratedSigningKey, generateSigningKey, type SigningAlg } from '#crypto/index.ts';
import type { PrismaDb } from '#db/create-database.ts';
import { AppError, prismaErrorCode } from '#errors/index.ts';
import { loadKeySet } from './signing-keys.ts';

/** Where a key is in its life at an instant. */
export type SigningKeyState = 'next' | 'active' | 'retired';

interface KeyTimes {
  activatesAt: Date;
  retiresAt: Date | null;
}

/**
 * A key is `next` (published, not signing yet) before it activates, `active` until it
 * retires, then `retired` (still published until it expires, so tokens it signed verify).
 * @example keyState(key, new Date()) // 'active'
 */
export function keyState(key: KeyTimes, now: Date): SigningKeyState {
  if (key.activatesAt.getTime() > now.getTime()) return 'next';
  if (key.retiresAt === null || key.retiresAt.getTime() > now.getTime()) return 'active';
  return 'retired';
}

export interface RotationOptions {
  /** Key secrets; the first encrypts new keys, all must open the existing ones. */
  secrets: readonly Uint8Array[];
  /** How long a key signs (`--key-period`). It is published half a period before, and stays published one period after. */
  keyPeriodMs: number;
  alg?: SigningAlg;
  now?: Date;
}

export interface RotationResult {
  /** Keys created by this run. */
  created: string[];
  /** Keys deleted because their publication window ended. */
  deleted: string[];
  /** When the chain next needs attention (the next key to create, activate or delete). */
  nextRunAt: Date;
}

const MAX_ATTEMPTS = 4;

/**
 * Keeps the chain of signing keys right at `now` (the overlord's rotation job):
 * - with no active key (first start), one is made active at once;
 * - half a period before the active key retires, its successor is created, activating
 *   exactly when the active one retires, so it is published in JWKS long before it signs
 *   and there is never a moment with two active keys or none;
 * - a retired key stays published one more period (covering every token it signed), then
 *   is deleted.
 * Runs in a serializable transaction and retries on conflict, so two overlords (or an admin
 * rotating at the same time) cannot both add a successor. Idempotent.
 * @example const { created, nextRunAt } = await rotateSigningKeys(db.prisma, { secrets, keyPeriodMs: 86_400_000 });
 */
export async function rotateSigningKeys(prisma: PrismaDb, options: RotationOptions): Promise<RotationResult> {
  return withKeyTransaction(prisma, options, async (tx, now, fresh) => {
    const period = options.keyPeriodMs;
    const created: string[] = [];
    const rows = await tx.signingKey.findMany({ orderBy: { activatesAt: 'asc' } });
    // Keys made before rotation existed (no retirement set) get one now.
    for (const row of rows) {
      if (row.retiresAt === null) {
        const retiresAt = new Date(Math.max(row.activatesAt.getTime() + period, now.getTime()));
        row.retiresAt = retiresAt;
        row.expiresAt = new Date(retiresAt.getTime() + period);
        await tx.signingKey.update({ where: { kid: row.kid }, data: { retiresAt, expiresAt: row.expiresAt } });
      }
    }
    const expired = rows.filter((row) => row.expiresAt !== null && row.expiresAt.getTime() <= now.getTime()).map((row) => row.kid);
    if (expired.length > 0) await tx.signingKey.deleteMany({ where: { kid: { in: expired } } });
    const live = rows.filter((row) => !expired.includes(row.kid));

    let active = live.find((row) => keyState(row, now) === 'active');
    if (active === undefined) {
      const key = await fresh();
      const retiresAt = new Date(now.getTime() + period);
      await insertKey(tx, key, options.secrets, {
        createdAt: now,
        activatesAt: now,
        retiresAt,
        expiresAt: new Date(retiresAt.getTime() + period),
      });
      created.push(key.kid);
      active = { activatesAt: now, retiresAt } as (typeof live)[number];
    }
    const activeRetires = active.retiresAt ?? new Date(now.getTime() + period);
    const successor = live.find((row) => row.activatesAt.getTime() === activeRetires.getTime());
    const successorDueAt = new Date(activeRetires.getTime() - period / 2);
    if (successor === undefined && successorDueAt.getTime() <= now.getTime()) {
      const key = await fresh();
      const retiresAt = new Date(activeRetires.getTime() + period);
      await insertKey(tx, key, options.secrets, {
        createdAt: now,
        activatesAt: activeRetires,
        retiresAt,
        expiresAt: new Date(retiresAt.getTime() + period),
      });
      created.push(key.kid);
    }
    const upcoming = [successor === undefined && successorDueAt > now ? successorDueAt : null, activeRetires]
      .concat(live.map((row) => row.expiresAt))
      .filter((at): at is Date => at !== null && at.getTime() > now.getTime());
    const nextRunAt = new Date(Math.min(...upcoming.map((at) => at.getTime()), now.getTime() + period / 2));
    return { created, deleted: expired, nextRunAt };
  });
}

/**
 * Rotates now (the admin API's "rotate keys"): the active key retires at once and its
 * successor, created if needed, activates at once. Tokens signed by the old key keep
 * verifying for one more period.
 * @returns the kid of the key that now signs.
 * @example const kid = await rotateSigningKeysNow(db.prisma, { secrets, keyPeriodMs });
 */
export async function rotateSigningKeysNow(prisma: PrismaDb, options: RotationOptions): Promise<string> {
  return withKeyTransaction(prisma, options, async (tx, now, fresh) => {
    const period = options.keyPeriodMs;
    const rows = await tx.signingKey.findMany({ orderBy: { activatesAt: 'asc' } });
    const active = rows.find((row) => keyState(row, now) === 'active');
    const pending = rows.filter((row) => keyState(row, now) === 'next');
    const retiresAt = new Date(now.getTime() + period);
    if (active !== undefined) {
      await tx.signingKey.update({ where: { kid: active.kid }, data: { retiresAt: now, expiresAt: new Date(now.getTime() + period) } });
    }
    const [successor, ...later] = pending;
    // Later keys (there should be none) would overlap the new schedule: drop them.
    if (later.length > 0) await tx.signingKey.deleteMany({ where: { kid: { in: later.map((row) => row.kid) } } });
    if (successor !== undefined) {
      await tx.signingKey.update({
        where: { kid: successor.kid },
        data: { activatesAt: now, retiresAt, expiresAt: new Date(retiresAt.getTime() + period) },
      });
      return successor.kid;
    }
    const key = await fresh();
    await insertKey(tx, key, options.secrets, {
      createdAt: now,
      activatesAt: now,
      retiresAt,
      expiresAt: new Date(retiresAt.getTime() + period),
    });
    return key.kid;
  });
}

/**
 * When the next key becomes the signing key (the active key's retirement), from the keys.
 * @example nextRotationAt(await listSigningKeys(db.prisma), new Date())
 */
export function nextRotationAt(keys: readonly KeyTimes[], now = new Date()): Date | null {
  const active = keys.find((key) => keyState(key, now) === 'active');
  return active?.retiresAt ?? null;
}

type Tx = Parameters<Parameters<PrismaDb['$transaction']>[0]>[0];

async function insertKey(
  tx: Tx,
  key: GeneratedSigningKey,
  secrets: readonly Uint8Array[],
  times: { createdAt: Date; activatesAt: Date; retiresAt: Date; expiresAt: Date },
): Promise<void> {
  const [secret] = secrets;
  if (secret === undefined) throw new AppError('INVALID_CONFIG', { message: 'at least one key secret is required' });
  await tx.signingKey.create({
    data: {
      kid: key.kid,
      alg: key.alg,
      publicJwk: JSON.stringify(key.publicJwk),
      privateKeyEnc: encryptWithSecret(key.privatePkcs8, secret),
      ...times,
    },
  });
}

/** Thrown inside a transaction that needs a new key before one was generated. */
class NeedKey extends Error {}

/**
 * Runs a change of the key chain in a serializable transaction, retried on a write conflict.
 * Key generation (tens of milliseconds for RSA) never happens inside the transaction: a
 * change that needs a key aborts, the key is generated, and the change runs again. The stored
 * keys are decrypted first, so a wrong `--key-secrets` fails with KEYS_UNDECRYPTABLE before
 * anything changes.
 */
async function withKeyTransaction<T>(
  prisma: PrismaDb,
  options: RotationOptions,
  change: (tx: Tx, now: Date, fresh: () => Promise<GeneratedSigningKey>) => Promise<T>,
): Promise<T> {
  const now = options.now ?? new Date();
  await loadKeySet(prisma, { secrets: options.secrets, now });
  const spares: GeneratedSigningKey[] = [];
  let conflicts = 0;
  for (;;) {
    let used = 0;
    const fresh = async (): Promise<GeneratedSigningKey> => {
      const key = spares[used];
      if (key === undefined) throw new NeedKey();
      used++;
      return key;
    };
    try {
      return await prisma.$transaction(async (tx) => change(tx, now, fresh), { isolationLevel: 'Serializable', timeout: 15_000 });
    } catch (error) {
      if (error instanceof NeedKey) {
        spares.push(await generateSigningKey(options.alg ?? 'RS256'));
        continue;
      }
      const code = prismaErrorCode(error);
      conflicts++;
      if (conflicts >= MAX_ATTEMPTS || (code !== 'P2034' && code !== 'P2002')) throw error;
      // A key that made it into a committed change elsewhere must not be reused.
      spares.splice(0, used);
    }
  }
}
