import type { KeyObject } from 'node:crypto';
import {
  decryptWithSecrets,
  encryptWithSecret,
  generateSigningKey,
  privateKeyFromPkcs8,
  type PublicJwk,
  type SigningAlg,
} from '#crypto/index.ts';
import type { PrismaDb } from '#db/create-database.ts';
import { AppError } from '#errors/index.ts';
import { markSigningKeysChanged } from './signing-key-chain.ts';

export interface SigningKeyView {
  kid: string;
  alg: SigningAlg;
  publicJwk: PublicJwk;
  createdAt: Date;
  activatesAt: Date;
  retiresAt: Date | null;
  expiresAt: Date | null;
}

export interface ActiveSigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: KeyObject;
}

export interface KeySet {
  /** The key that signs now, or null when none is active. */
  active: ActiveSigningKey | null;
  /** Every key a verifier may meet: the next, the active and retired ones still in their window. */
  published: PublicJwk[];
  /** When this view stops being accurate (the next activation, retirement or expiry), if known. */
  changesAt: Date | null;
}

function isPublished(key: { expiresAt: Date | null }, now: Date): boolean {
  return key.expiresAt === null || key.expiresAt.getTime() > now.getTime();
}

function isActive(key: { activatesAt: Date; retiresAt: Date | null }, now: Date): boolean {
  return key.activatesAt.getTime() <= now.getTime() && (key.retiresAt === null || key.retiresAt.getTime() > now.getTime());
}

/**
 * Reads the signing keys: the published public keys and the active private key, decrypted
 * with any of the key secrets (KEYS_UNDECRYPTABLE when none fits).
 * @example const { active, published } = await loadKeySet(db.prisma, { secrets });
 */
export async function loadKeySet(prisma: PrismaDb, options: { secrets: readonly Uint8Array[]; now?: Date }): Promise<KeySet> {
  const now = options.now ?? new Date();
  const rows = await prisma.signingKey.findMany({ orderBy: { activatesAt: 'desc' } });
  const live = rows.filter((row) => isPublished(row, now));
  const activeRow = live.find((row) => isActive(row, now));
  let active: ActiveSigningKey | null = null;
  if (activeRow !== undefined) {
    const { plaintext } = decryptWithSecrets(activeRow.privateKeyEnc, options.secrets);
    active = { kid: activeRow.kid, alg: activeRow.alg as SigningAlg, privateKey: privateKeyFromPkcs8(plaintext) };
  }
  const instants = rows
    .flatMap((row) => [row.activatesAt, row.retiresAt, row.expiresAt])
    .filter((at): at is Date => at !== null && at.getTime() > now.getTime())
    .sort((a, b) => a.getTime() - b.getTime());
  return {
    active,
    published: live.map((row) => JSON.parse(row.publicJwk) as PublicJwk),
    changesAt: instants[0] ?? null,
  };
}

/** All stored keys with their windows, newest first (no private material). */
export async function listSigningKeys(prisma: PrismaDb): Promise<SigningKeyView[]> {
  const rows = await prisma.signingKey.findMany({ orderBy: { activatesAt: 'desc' } });
  return rows.map((row) => ({
    kid: row.kid,
    alg: row.alg as SigningAlg,
    publicJwk: JSON.parse(row.publicJwk) as PublicJwk,
    createdAt: row.createdAt,
    activatesAt: row.activatesAt,
    retiresAt: row.retiresAt,
    expiresAt: row.expiresAt,
  }));
}

export interface EnsureSigningKeyOptions {
  /** Key secrets; the first encrypts. */
  secrets: readonly Uint8Array[];
  alg?: SigningAlg;
  now?: Date;
}

/**
 * Makes sure a signing key is active, generating one (active at once, marking the change)
 * when none is.
 * Also proves that the stored keys can be decrypted, so a wrong `--key-secrets` stops the
 * caller with KEYS_UNDECRYPTABLE instead of failing later at the first login.
 * @returns the kid of the key generated, or null when an active key already existed.
 * @example await ensureActiveSigningKey(db.prisma, { secrets })
 */
export async function ensureActiveSigningKey(prisma: PrismaDb, options: EnsureSigningKeyOptions): Promise<string | null> {
  const now = options.now ?? new Date();
  const [firstSecret] = options.secrets;
  if (firstSecret === undefined) throw new AppError('INVALID_CONFIG', { message: 'at least one key secret is required' });
  const keySet = await loadKeySet(prisma, { secrets: options.secrets, now });
  if (keySet.active !== null) return null;
  const key = await generateSigningKey(options.alg ?? 'RS256');
  await prisma.$transaction(async (tx) => {
    await tx.signingKey.create({
      data: {
        kid: key.kid,
        alg: key.alg,
        publicJwk: JSON.stringify(key.publicJwk),
        privateKeyEnc: encryptWithSecret(key.privatePkcs8, firstSecret),
        createdAt: now,
        activatesAt: now,
      },
    });
    await markSigningKeysChanged(tx, { now });
  });
  return key.kid;
}
