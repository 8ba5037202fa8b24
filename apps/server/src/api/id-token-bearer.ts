import type { KeyCache } from '#oidc/key-cache.ts';
import { verifyOwnJwt } from '#oidc/verify-id-token.ts';

/** The claims of a verified ID token that the worker API reads: the subject and every audience. */
export interface ApiIdToken {
  sub: string;
  /** `aud` as a list (an ID token's `aud` is a string or an array, OIDC Core §2). */
  aud: string[];
}

/**
 * Verifies a Bearer token as an ID token this worker signed (dex v0 §2.14 `getCreds`): the
 * signature against the published keys, `typ: JWT` (never an RFC 9068 access token), the
 * issuer, `exp` in the future, and a string `sub` with a non-empty audience.
 * @returns the claims; `expired` for a genuine token past its `exp`; null for anything else.
 * @example const idToken = await verifyApiIdToken(token, { keys, issuer });
 */
export async function verifyApiIdToken(
  token: string,
  options: { keys: KeyCache; issuer: string; now?: number },
): Promise<ApiIdToken | 'expired' | null> {
  if (token.split('.').length !== 3) return null;
  const claims = await verifyOwnJwt(token, { keys: options.keys, issuer: options.issuer, typ: 'jwt' });
  if (claims === null || typeof claims.sub !== 'string' || claims.sub === '' || typeof claims.exp !== 'number') return null;
  const aud = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  if (aud.length === 0 || aud.some((entry) => typeof entry !== 'string' || entry === '')) return null;
  if (claims.exp * 1000 <= (options.now ?? Date.now())) return 'expired';
  return { sub: claims.sub, aud };
}
