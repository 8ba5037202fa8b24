import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretCipher } from '#main/profiles/secret-cipher.ts';

/**
 * A real cipher for tests, standing in for safeStorage: AES-256-GCM under a random key per
 * instance (so another instance cannot decrypt), output `iv | tag | ciphertext`.
 */
export function createAesGcmCipher(): SecretCipher & { encryptCalls: number } {
  const key = randomBytes(32);
  const cipher = {
    encryptCalls: 0,
    isAvailable: async () => true,
    async encrypt(plaintext: string) {
      cipher.encryptCalls++;
      const iv = randomBytes(12);
      const aes = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([aes.update(plaintext, 'utf8'), aes.final()]);
      return Buffer.concat([iv, aes.getAuthTag(), body]);
    },
    async decrypt(data: Buffer) {
      const aes = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      aes.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([aes.update(data.subarray(28)), aes.final()]).toString('utf8');
    },
  };
  return cipher;
}

/** A system without a protected keychain (Linux without a Secret Service). */
export function createUnavailableCipher(): SecretCipher {
  return {
    isAvailable: async () => false,
    encrypt: async () => {
      throw new Error('encrypt must not be called when encryption is unavailable');
    },
    decrypt: async () => {
      throw new Error('decrypt must not be called when encryption is unavailable');
    },
  };
}
