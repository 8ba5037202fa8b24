import { compactVerify, createLocalJWKSet, errors, type JWTPayload } from 'jose';
import type { KeyCache } from './key-cache.ts';

/**
 * Verifies a JWT this provider signed against the published keys, re-reading them once for an
 * unknown `kid`. Expiry is not checked here. With `typ`, the header must name that type
 * (RFC 8725 §3.11: an ID token is never taken for an access token, nor the other way round).
 * Returns the claims, or null when the signature, the type or the issuer is wrong.
 */
export async function verifyOwnJwt(token: string, options: { keys: KeyCache; issuer: string; typ?: string }): Promise<JWTPayload | null> {
  const attempt = async (reload: boolean): Promise<JWTPayload | null> => {
    const keySet = reload ? await options.keys.reload() : await options.keys.get();
    const jwks = createLocalJWKSet({ keys: keySet.published.map((key) => ({ ...key })) });
    try {
      const { payload, protectedHeader } = await compactVerify(token, jwks, { algorithms: ['RS256', 'ES256'] });
      if (options.typ !== undefined && protectedHeader.typ?.toLowerCase().replace(/^application\//, '') !== options.typ) return null;
      const claims = JSON.parse(new TextDecoder().decode(payload)) as JWTPayload;
      return claims.iss === options.issuer ? claims : null;
    } catch (error) {
      if (!reload && error instanceof errors.JWKSNoMatchingKey) return attempt(true);
      return null;
    }
  };
  return attempt(false);
}

/**
 * Verifies an ID token this provider signed, given back as `id_token_hint`. Expiry is not
 * checked: OIDC RP-Initiated Logout accepts expired hints.
 */
export function verifyOwnIdToken(token: string, options: { keys: KeyCache; issuer: string }): Promise<JWTPayload | null> {
  return verifyOwnJwt(token, options);
}
