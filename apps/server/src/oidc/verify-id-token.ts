import { compactVerify, createLocalJWKSet, errors, type JWTPayload } from 'jose';
import type { KeyCache } from './key-cache.ts';

/**
 * Verifies a JWT this provider signed (an ID token given back as `id_token_hint`) against the
 * published keys, re-reading them once for an unknown `kid`. Expiry is not checked: OIDC
 * RP-Initiated Logout accepts expired hints. Returns the claims, or null when the signature
 * or the issuer is wrong.
 */
export async function verifyOwnIdToken(token: string, options: { keys: KeyCache; issuer: string }): Promise<JWTPayload | null> {
  const attempt = async (reload: boolean): Promise<JWTPayload | null> => {
    const keySet = reload ? await options.keys.reload() : await options.keys.get();
    const jwks = createLocalJWKSet({ keys: keySet.published.map((key) => ({ ...key })) });
    try {
      const { payload } = await compactVerify(token, jwks, { algorithms: ['RS256', 'ES256'] });
      const claims = JSON.parse(new TextDecoder().decode(payload)) as JWTPayload;
      return claims.iss === options.issuer ? claims : null;
    } catch (error) {
      if (!reload && error instanceof errors.JWKSNoMatchingKey) return attempt(true);
      return null;
    }
  };
  return attempt(false);
}
