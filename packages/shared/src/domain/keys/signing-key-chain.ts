import type { PrismaDb } from '#db/create-database.ts';

/** A Prisma client or an interactive transaction: what may write the marker. */
type Writer = Pick<PrismaDb, 'signingKeyChain'>;

/** The one row of `signing_key_chain`. */
const CHAIN_ROW = 1;

/**
 * How often a worker reads the change marker (at most; only while it serves requests). A
 * change of the keys reaches every serving worker within about this long.
 */
export const KEY_CHECK_INTERVAL_MS = 1_000;

/**
 * The part of the publish delay set aside for the workers, beyond their polling interval:
 * reading and decrypting the keys on a busy worker, a transaction committed a little after
 * the instant it recorded, and clock skew between the overlord's and the workers' machines.
 */
export const KEY_PICKUP_MARGIN_MS = 4_000;

/** The shortest usable `--key-publish-delay`: every worker has seen a new key before it signs. */
export const MIN_KEY_PUBLISH_DELAY_MS = KEY_CHECK_INTERVAL_MS + KEY_PICKUP_MARGIN_MS;

/** `--key-publish-delay` by default: five minutes, of which relying parties may cache the JWKS for 4 min 55 s. */
export const DEFAULT_KEY_PUBLISH_DELAY_MS = 5 * 60_000;

/** The longest JWKS `max-age`, however long the publish delay: a withdrawn key is trusted at most this long by caches. */
export const MAX_JWKS_MAX_AGE_SECONDS = 3_600;

/** What a worker polls: the chain's version and the overlord's publish delay. */
export interface SigningKeyChainMarker {
  /** Goes up with every change of the stored keys; 0 before the first. */
  version: number;
  /** The publish delay an overlord recorded, or null before one did. */
  publishDelayMs: number | null;
}

/**
 * Reads the change marker (one row by primary key: cheap enough to poll every second).
 * @example const { version } = await readSigningKeyChain(db.prisma);
 */
export async function readSigningKeyChain(prisma: PrismaDb): Promise<SigningKeyChainMarker> {
  const row = await prisma.signingKeyChain.findUnique({
    where: { id: CHAIN_ROW },
    select: { version: true, publishDelayMs: true },
  });
  return { version: row?.version ?? 0, publishDelayMs: row?.publishDelayMs ?? null };
}

/**
 * Marks a change of the stored keys. Call it in the transaction that makes the change, so a
 * worker that sees the new version also sees the change. Also records the publish delay when
 * given. Two concurrent changes both write this row, so a serializable transaction makes one
 * of them retry.
 * @example await tx.signingKey.create(...); await markSigningKeysChanged(tx, { now });
 */
export async function markSigningKeysChanged(tx: Writer, options: { now: Date; publishDelayMs?: number }): Promise<void> {
  const delay = options.publishDelayMs === undefined ? {} : { publishDelayMs: options.publishDelayMs };
  await tx.signingKeyChain.upsert({
    where: { id: CHAIN_ROW },
    create: { id: CHAIN_ROW, version: 1, changedAt: options.now, ...delay },
    update: { version: { increment: 1 }, changedAt: options.now, ...delay },
  });
}

/**
 * Records the overlord's `--key-publish-delay` for the workers (their JWKS `max-age`) and for
 * `dexctl --db-url rotate-keys`, without marking a change of the keys. Writes only when the
 * stored value differs.
 * @example await recordKeyPublishDelay(db.prisma, 300_000);
 */
export async function recordKeyPublishDelay(tx: Writer, publishDelayMs: number): Promise<void> {
  const row = await tx.signingKeyChain.findUnique({ where: { id: CHAIN_ROW }, select: { publishDelayMs: true } });
  if (row?.publishDelayMs === publishDelayMs) return;
  await tx.signingKeyChain.upsert({
    where: { id: CHAIN_ROW },
    create: { id: CHAIN_ROW, version: 0, publishDelayMs },
    update: { publishDelayMs },
  });
}

/**
 * How long relying parties may cache the JWKS: what is left of the publish delay once the
 * workers' share (polling and margin) is taken out, so that a relying party whose cached
 * copy predates a new key refetches before that key signs. 0 when no delay is recorded.
 * @example jwksMaxAgeSeconds(300_000) // 295
 */
export function jwksMaxAgeSeconds(publishDelayMs: number | null): number {
  if (publishDelayMs === null) return 0;
  const seconds = Math.floor((publishDelayMs - MIN_KEY_PUBLISH_DELAY_MS) / 1_000);
  return Math.max(0, Math.min(MAX_JWKS_MAX_AGE_SECONDS, seconds));
}
