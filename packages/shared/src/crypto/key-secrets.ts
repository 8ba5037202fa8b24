import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '#errors/index.ts';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts with AES-256-GCM under a 32-byte key secret. The output is base64 of
 * `nonce(12) || ciphertext || tag(16)`, the layout dex v0 used.
 * @example const blob = encryptWithSecret(Buffer.from('private key'), secrets[0]);
 */
export function encryptWithSecret(plaintext: Uint8Array, secret: Uint8Array): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', secret, nonce);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64');
}

export interface Decrypted {
  plaintext: Buffer;
  /** Which of the secrets opened it (0 = the current encryption secret). */
  secretIndex: number;
}

/**
 * Decrypts a blob made by `encryptWithSecret`, trying every secret in order. When none
 * opens it, throws KEYS_UNDECRYPTABLE.
 * @example decryptWithSecrets(blob, [newSecret, oldSecret]).secretIndex // 1 if only the old one fits
 */
export function decryptWithSecrets(blob: string, secrets: readonly Uint8Array[]): Decrypted {
  const raw = Buffer.from(blob, 'base64');
  if (raw.length >= NONCE_BYTES + TAG_BYTES) {
    const nonce = raw.subarray(0, NONCE_BYTES);
    const tag = raw.subarray(raw.length - TAG_BYTES);
    const body = raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES);
    for (const [secretIndex, secret] of secrets.entries()) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', secret, nonce);
        decipher.setAuthTag(tag);
        return { plaintext: Buffer.concat([decipher.update(body), decipher.final()]), secretIndex };
      } catch {
        // authentication failed: not this secret
      }
    }
  }
  throw new AppError('KEYS_UNDECRYPTABLE', {
    message: 'cannot decrypt the signing keys with any of the given key secrets (check --key-secrets)',
  });
}
