import { readFile, rm } from 'node:fs/promises';
import { AppError } from '@dex/shared/errors';
import { writeFileAtomic } from '../profiles/atomic-write.ts';
import type { SecretCipher } from '../profiles/secret-cipher.ts';
import type { DesktopTokens } from './sign-in-with-dex.ts';

/**
 * Keeps the desktop sign-in's tokens on disk encrypted with the OS keychain (`safeStorage`
 * through {@link SecretCipher}); refuses to store them in clear when no keychain protects the
 * key (then the admin signs in again at each start). The file holds only ciphertext (base64).
 * @example const store = createTokenStore({ path: join(app.getPath('userData'), 'dex-session'), cipher }); await store.save(tokens);
 */
export function createTokenStore(options: { path: string; cipher: SecretCipher }) {
  return {
    /** Encrypts and writes the tokens (0600, atomically). Throws when no OS keychain is available. */
    async save(tokens: DesktopTokens): Promise<void> {
      if (!(await options.cipher.isAvailable())) {
        throw new AppError('INVALID_CONFIG', { message: 'no OS keychain protects stored secrets: the sign-in is kept in memory only' });
      }
      const ciphertext = await options.cipher.encrypt(JSON.stringify(tokens));
      await writeFileAtomic(options.path, ciphertext.toString('base64'), { mode: 0o600 });
    },
    /** The stored tokens, or null when none (or they no longer decrypt: another machine, a reset keychain). */
    async load(): Promise<DesktopTokens | null> {
      const text = await readFile(options.path, 'utf8').catch(() => null);
      if (text === null) return null;
      const plain = await options.cipher.decrypt(Buffer.from(text, 'base64')).catch(() => null);
      return plain === null ? null : (JSON.parse(plain) as DesktopTokens);
    },
    /** Sign-out: forgets the tokens. */
    async clear(): Promise<void> {
      await rm(options.path, { force: true });
    },
  };
}
