import { decryptWithSecrets, encryptWithSecret } from '#crypto/index.ts';
import type { PrismaDb } from '#db/create-database.ts';
import { AppError } from '#errors/index.ts';

/**
 * Re-encrypts every stored private key that is not yet under the first key secret, so that
 * after an operator puts a new secret first in `--key-secrets` (and restarts), the old secrets
 * can be dropped. Each key is rewritten with a compare-and-set on its old ciphertext, so a
 * concurrent overlord doing the same cannot lose a key. KEYS_UNDECRYPTABLE when a key opens
 * with none of the secrets. Not a change workers need to see (the keys are the same), so the
 * chain's change marker stays.
 * @returns the kids that were re-encrypted.
 * @example await reencryptSigningKeys(db.prisma, { secrets: [newSecret, oldSecret] })
 */
export async function reencryptSigningKeys(prisma: PrismaDb, options: { secrets: readonly Uint8Array[] }): Promise<string[]> {
  const [first] = options.secrets;
  if (first === undefined) throw new AppError('INVALID_CONFIG', { message: 'at least one key secret is required' });
  const rows = await prisma.signingKey.findMany({ select: { kid: true, privateKeyEnc: true } });
  const rewritten: string[] = [];
  for (const row of rows) {
    const { plaintext, secretIndex } = decryptWithSecrets(row.privateKeyEnc, options.secrets);
    if (secretIndex === 0) continue;
    const updated = await prisma.signingKey.updateMany({
      where: { kid: row.kid, privateKeyEnc: row.privateKeyEnc },
      data: { privateKeyEnc: encryptWithSecret(plaintext, first) },
    });
    if (updated.count === 1) rewritten.push(row.kid);
  }
  return rewritten;
}
