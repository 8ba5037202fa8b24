import { describe, expect, it } from 'vitest';
import { createSafeStorageCipher, type SafeStorageCipherOptions } from '#main/profiles/safe-storage-cipher.ts';
import { createAesGcmCipher } from './support/aes-gcm-cipher.ts';

type Backend = ReturnType<SafeStorageCipherOptions['safeStorage']['getSelectedStorageBackend']>;

function fakeSafeStorage(options: { isAvailable: boolean; backend: Backend }): SafeStorageCipherOptions['safeStorage'] {
  const aes = createAesGcmCipher();
  return {
    isAsyncEncryptionAvailable: async () => options.isAvailable,
    getSelectedStorageBackend: () => options.backend,
    encryptStringAsync: (text) => aes.encrypt(text),
    decryptStringAsync: async (data) => ({ shouldReEncrypt: false, result: await aes.decrypt(data) }),
  };
}

describe('safeStorage cipher', () => {
  it('encrypts and decrypts through safeStorage', async () => {
    const cipher = createSafeStorageCipher({
      safeStorage: fakeSafeStorage({ isAvailable: true, backend: 'gnome_libsecret' }),
      platform: 'linux',
    });
    expect(await cipher.isAvailable()).toBe(true);
    const encrypted = await cipher.encrypt('c2VjcmV0');
    expect(encrypted.toString('utf8')).not.toContain('c2VjcmV0');
    expect(await cipher.decrypt(encrypted)).toBe('c2VjcmV0');
  });

  it.each(['basic_text', 'unknown'] as const)('counts Linux without a keyring (%s) as unavailable', async (backend) => {
    const cipher = createSafeStorageCipher({ safeStorage: fakeSafeStorage({ isAvailable: true, backend }), platform: 'linux' });
    expect(await cipher.isAvailable()).toBe(false);
  });

  it('ignores the Linux backend on macOS and Windows', async () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const cipher = createSafeStorageCipher({ safeStorage: fakeSafeStorage({ isAvailable: true, backend: 'unknown' }), platform });
      expect(await cipher.isAvailable()).toBe(true);
    }
  });

  it('is unavailable when safeStorage says so', async () => {
    const cipher = createSafeStorageCipher({
      safeStorage: fakeSafeStorage({ isAvailable: false, backend: 'kwallet6' }),
      platform: 'linux',
    });
    expect(await cipher.isAvailable()).toBe(false);
  });
});
