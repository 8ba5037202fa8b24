/**
 * Encrypts profile secrets at rest. The app uses Electron's `safeStorage` (the OS keychain:
 * Keychain on macOS, DPAPI on Windows, Secret Service or KWallet on Linux); tests use a real
 * AES-GCM cipher. Implementations must never return or log the plaintext anywhere else.
 */
export interface SecretCipher {
  /** Whether secrets can be encrypted with an OS-protected key right now. */
  isAvailable(): Promise<boolean>;
  encrypt(plaintext: string): Promise<Buffer>;
  /** Rejects when the data was not encrypted with this key (another machine, a reset keychain). */
  decrypt(ciphertext: Buffer): Promise<string>;
}
