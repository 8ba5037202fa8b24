import { jsonDocumentRoute } from '#http/json-document.ts';
import type { Route } from '#http/router.ts';
import type { KeyCache } from './key-cache.ts';

/**
 * `GET <issuer>/keys`: the JWKS of every published signing key (public members only), cached
 * by clients until the key set may next change.
 * @example routes.set('/keys', jwksRoute(keys));
 */
export function jwksRoute(keys: KeyCache): Route {
  return jsonDocumentRoute(async () => {
    const keySet = await keys.get();
    return { body: keys.jwksJson(keySet), cacheControl: `public, max-age=${keys.cacheSeconds()}, must-revalidate` };
  });
}
