import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A random token from the CSPRNG, base64url without padding. 32 bytes (256 bits) by default:
 * codes, session ids, secrets and refresh tokens all use at least that.
 * @example randomToken() // 'q3Jx…' (43 characters)
 */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Lower-case hex SHA-256, used to store high-entropy secrets (client secrets, codes, refresh tokens). */
export function sha256Hex(value: string | Uint8Array): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Raw SHA-256 digest, as PKCE S256 and `at_hash` need (base64url it at the call site). */
export function sha256Digest(value: string | Uint8Array): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Compares two strings in time independent of where they differ (both are hashed first, so
 * the lengths do not leak either).
 * @example safeEqual('a', 'a') // true
 */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/** Hex of `bytes` random bytes (dex v0 key ids are hex of 20 bytes). */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
