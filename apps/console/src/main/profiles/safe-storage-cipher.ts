import type { SafeStorage } from 'electron';
import type { SecretCipher } from './secret-cipher.ts';

/**
 * Linux backends that do not protect the key: `basic_text` encrypts with a key hard-coded in
 * Chromium (as good as plaintext), `unknown` means the app is not ready yet.
 */
const UNPROTECTED_LINUX_BACKENDS: ReadonlySet<string> = new Set(['basic_text', 'unknown']);

export interface SafeStorageCipherOptions {
  safeStorage: Pick<SafeStorage, 'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'>;
  platform: NodeJS.Platform;
}

/**
 * The app's {@link SecretCipher}: Electron's `safeStorage` (async API). On Linux it counts as
 * available only with a real keyring (GNOME libsecret or KWallet), never with `basic_text`.
 * @example const cipher = createSafeStorageCipher({ safeStorage, platform: process.platform });
 */
export function createSafeStorageCipher(options: SafeStorageCipherOptions): SecretCipher {
  const { safeStorage, platform } = options;
  return {
    async isAvailable() {
      if (!(await safeStorage.isAsyncEncryptionAvailable())) return false;
      return platform !== 'linux' || !UNPROTECTED_LINUX_BACKENDS.has(safeStorage.getSelectedStorageBackend());
    },
    encrypt: (plaintext) => safeStorage.encryptStringAsync(plaintext),
    async decrypt(ciphertext) {
      const { result } = await safeStorage.decryptStringAsync(ciphertext);
      return result;
    },
  };
}
