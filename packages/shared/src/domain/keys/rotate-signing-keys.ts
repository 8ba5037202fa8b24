import { encryptWithSecret, type GeneratedSigningKey, generateSigningKey, type SigningAlg } from '#crypto/index.ts';
import type { PrismaDb } from '#db/create-database.ts';
import { AppError, prismaErrorCode } from '#errors/index.ts';
import { DEFAULT_KEY_PUBLISH_DELAY_MS, markSigningKeysChanged, recordKeyPublishDelay } from './signing-key-chain.ts';
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
  /** How long a key signs (`--key-period`). It stays published one period after it retires. */
  keyPeriodMs: number;
  /**
   * How long a new key is published before it may sign (`--key-publish-delay`, default
   * {@link DEFAULT_KEY_PUBLISH_DELAY_MS}): the workers' polling interval and margin plus
   * what relying parties may cache the JWKS for (see `jwksMaxAgeSeconds`).
   */
  publishDelayMs?: number;
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

/** `publish-first`: the safe rotation; `immediate`: for a leaked key. */
export type RotationMode = 'publish-first' | 'immediate';

/** What an on-demand rotation did, as instants: the timeline the admin is shown. */
export interface KeyRotation {
  mode: RotationMode;
  /** The key that signs after the rotation. */
  kid: string;
  /** When it entered the JWKS: now for a new key, earlier for a successor already published. */
  publishedAt: Date;
  /** When workers start signing with it. */
  activatesAt: Date;
  /** The key that signed before, or null when none did. */
  previousKid: string | null;
  /** When the previous key stops signing: `activatesAt` (never two signing keys, never none). */
  previousRetiresAt: Date | null;
  /** When the previous key leaves the JWKS: one key period after it retires; at once in immediate mode. */
  previousExpiresAt: Date | null;
  /** Keys taken out of the JWKS at once (immediate mode: every key stored before). */
  withdrawn: string[];
}

export interface OnDemandRotationOptions extends RotationOptions {
  /** Default `publish-first`. */
  mode?: RotationMode;
}

const MAX_ATTEMPTS = 4;

/**
 * Keeps the chain of signing keys right at `now` (the overlord's rotation job):
 * - with no active key (first start, or a chain the overlord left to lapse), one is made
 *   active at once: nothing can sign until it exists, so there is nothing to publish first;
 * - half a period before the active key retires (or the publish delay before, if longer), its
 *   successor is created, activating exactly when the active one retires, so every worker
 *   publishes it long before any signs with it and there is never a moment with two active
 *   keys or none; a successor created late (the overlord was down) activates one publish
 *   delay after its creation, and the active key signs until then;
 * - a retired key stays published one more period (covering every token it signed), then
 *   is deleted.
 * Every change bumps the chain's change marker in the same transaction, and the publish
 * delay is recorded there for the workers. Runs in a serializable transaction and retries
 * on conflict, so two overlords (or an admin rotating at the same time) cannot both add a
 * successor. Idempotent.
 * @example const { created, nextRunAt } = await rotateSigningKeys(db.prisma, { secrets, keyPeriodMs: 86_400_000 });
 */
export async function rotateSigningKeys(prisma: PrismaDb, options: RotationOptions): Promise<RotationResult> {
  return withKeyTransaction(prisma, options, async (tx, now, fresh) => {
    const period = options.keyPeriodMs;
    const delay = publishDelay(options);
    const created: string[] = [];
    let changed = false;
    const rows = await tx.signingKey.findMany({ orderBy: { activatesAt: 'asc' } });
    // Keys made before rotation existed (no retirement set) get one now.
    for (const row of rows) {
      if (row.retiresAt === null) {
        const retiresAt = new Date(Math.max(row.activatesAt.getTime() + period, now.getTime()));
        row.retiresAt = retiresAt;
        row.expiresAt = new Date(retiresAt.getTime() + period);
        await tx.signingKey.update({ where: { kid: row.kid }, data: { retiresAt, expiresAt: row.expiresAt } });
        changed = true;
      }
    }
    const expired = rows.filter((row) => row.expiresAt !== null && row.expiresAt.getTime() <= now.getTime()).map((row) => row.kid);
    if (expired.length > 0) {
      await tx.signingKey.deleteMany({ where: { kid: { in: expired } } });
      changed = true;
    }
    const live = rows.filter((row) => !expired.includes(row.kid));

    let active: { kid: string; retiresAt: Date } | undefined = live
      .filter((row) => keyState(row, now) === 'active')
      .map((row) => ({ kid: row.kid, retiresAt: row.retiresAt ?? new Date(now.getTime() + period) }))[0];
    if (active === undefined) {
      const key = await fresh();
      active = { kid: key.kid, retiresAt: new Date(now.getTime() + period) };
      await insertKey(tx, key, options.secrets, windows(now, now, period));
      created.push(key.kid);
      changed = true;
    }
    const successor = live.find((row) => row.activatesAt.getTime() === active.retiresAt.getTime());
    const successorDueAt = new Date(active.retiresAt.getTime() - Math.max(period / 2, delay));
    if (successor === undefined && successorDueAt.getTime() <= now.getTime()) {
      const key = await fresh();
      const activatesAt = new Date(Math.max(active.retiresAt.getTime(), now.getTime() + delay));
      if (activatesAt.getTime() > active.retiresAt.getTime()) {
        active.retiresAt = activatesAt;
        await retire(tx, active.kid, activatesAt, period);
      }
      await insertKey(tx, key, options.secrets, windows(now, activatesAt, period));
      created.push(key.kid);
      changed = true;
    }
    if (changed) await markSigningKeysChanged(tx, { now, publishDelayMs: delay });
    else await recordKeyPublishDelay(tx, delay);
    const upcoming = [successor === undefined && successorDueAt > now ? successorDueAt : null, active.retiresAt]
      .concat(live.map((row) => row.expiresAt))
      .filter((at): at is Date => at !== null && at.getTime() > now.getTime());
    const nextRunAt = new Date(Math.min(...upcoming.map((at) => at.getTime()), now.getTime() + period / 2));
    return { created, deleted: expired, nextRunAt };
  });
}

/**
 * Rotates on demand (the admin API's, dexctl's and the console's "rotate keys").
 *
 * `publish-first` (the default; a drill, a policy, a suspicion without proof): the successor
 * is published now and signs once it has been published for the publish delay, that is at
 * `max(now, successor published + delay)`:
 * - a successor the schedule already published long enough ago signs at once;
 * - otherwise (no successor yet, or one published less than a delay ago) it signs when its
 *   delay is over, and the active key signs until that instant.
 * The previous key retires at that instant and stays published one more key period, so
 * every token it signed keeps verifying. Rotating again before then changes nothing.
 *
 * `immediate` (a leaked key): every stored key (active, successor, retired) is withdrawn from
 * the JWKS at once and a fresh key signs at once. Tokens the old keys signed stop verifying;
 * workers follow within their polling interval, during which a worker that has not yet seen
 * the change may still sign with the old key and not yet publish the new one.
 * @example const { kid, activatesAt } = await rotateSigningKeysOnDemand(db.prisma, { secrets, keyPeriodMs, publishDelayMs });
 */
export async function rotateSigningKeysOnDemand(prisma: PrismaDb, options: OnDemandRotationOptions): Promise<KeyRotation> {
  const mode = options.mode ?? 'publish-first';
  const period = options.keyPeriodMs;
  const delay = publishDelay(options);
  return withKeyTransaction(prisma, options, async (tx, now, fresh) => {
    const rows = await tx.signingKey.findMany({ orderBy: { activatesAt: 'asc' } });
    const active = rows.find((row) => keyState(row, now) === 'active');
    let changed = false;
    let kid: string;
    let publishedAt: Date;
    let activatesAt: Date;
    let withdrawn: string[] = [];
    if (mode === 'immediate') {
      const key = await fresh();
      withdrawn = rows.map((row) => row.kid);
      if (withdrawn.length > 0) await tx.signingKey.deleteMany({ where: { kid: { in: withdrawn } } });
      await insertKey(tx, key, options.secrets, windows(now, now, period));
      [kid, publishedAt, activatesAt, changed] = [key.kid, now, now, true];
    } else {
      const [successor, ...later] = rows.filter((row) => keyState(row, now) === 'next');
      // Later keys (there should be none) would overlap the new schedule: drop them.
      if (later.length > 0) {
        await tx.signingKey.deleteMany({ where: { kid: { in: later.map((row) => row.kid) } } });
        changed = true;
      }
      // With no key signing there is nothing to stay consistent with: the new key signs at once.
      const signsFrom = (published: Date) =>
        new Date(active === undefined ? now.getTime() : Math.max(now.getTime(), published.getTime() + delay));
      if (successor !== undefined) {
        [kid, publishedAt] = [successor.kid, successor.createdAt];
        activatesAt = signsFrom(publishedAt);
        if (activatesAt.getTime() !== successor.activatesAt.getTime()) {
          await tx.signingKey.update({ where: { kid }, data: windows(publishedAt, activatesAt, period) });
          changed = true;
        }
      } else {
        const key = await fresh();
        [kid, publishedAt] = [key.kid, now];
        activatesAt = signsFrom(now);
        await insertKey(tx, key, options.secrets, windows(now, activatesAt, period));
        changed = true;
      }
      if (active !== undefined && active.retiresAt?.getTime() !== activatesAt.getTime()) {
        await retire(tx, active.kid, activatesAt, period);
        changed = true;
      }
    }
    if (changed) await markSigningKeysChanged(tx, { now, publishDelayMs: delay });
    return {
      mode,
      kid,
      publishedAt,
      activatesAt,
      previousKid: active?.kid ?? null,
      previousRetiresAt: active === undefined ? null : activatesAt,
      previousExpiresAt: active === undefined ? null : mode === 'immediate' ? now : new Date(activatesAt.getTime() + period),
      withdrawn,
    };
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

function publishDelay(options: RotationOptions): number {
  return options.publishDelayMs ?? DEFAULT_KEY_PUBLISH_DELAY_MS;
}

/** A key's windows from its publication and activation: it signs one period, then stays published one more. */
function windows(createdAt: Date, activatesAt: Date, period: number) {
  const retiresAt = new Date(activatesAt.getTime() + period);
  return { createdAt, activatesAt, retiresAt, expiresAt: new Date(retiresAt.getTime() + period) };
}

/** Sets when a key stops signing; it stays published one more period, so every token it signed verifies. */
async function retire(tx: Tx, kid: string, retiresAt: Date, period: number): Promise<void> {
  await tx.signingKey.update({ where: { kid }, data: { retiresAt, expiresAt: new Date(retiresAt.getTime() + period) } });
}

async function insertKey(
  tx: Tx,
  key: GeneratedSigningKey,
  secrets: readonly Uint8Array[],
  times: ReturnType<typeof windows>,
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
  await loadKeySet(prisma, { secrets: options.secrets, ...(options.now === undefined ? {} : { now: options.now }) });
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
    // Taken per attempt, after any key generation: a key is published when the change commits,
    // so its recorded publication must not be earlier than that by a generation's time.
    const now = options.now ?? new Date();
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
