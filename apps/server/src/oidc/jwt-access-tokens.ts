import type { ActiveSigningKey } from '@dex/shared/domain/keys';
import type { JWTPayload } from 'jose';
import {
  type AccessTokenClaims,
  type AccessTokenFormat,
  type AccessTokenOptions,
  accessTokenClaims,
  OpaqueAccessTokens,
} from './access-tokens.ts';
import { signJwt } from './id-tokens.ts';
import type { KeyCache } from './key-cache.ts';
import { verifyOwnJwt } from './verify-id-token.ts';

/** RFC 9068 §2.1: the `typ` of a JWT access token. */
const AT_JWT = 'at+jwt';

/** The claims of a verified RFC 9068 token, or null when one is missing or it expired. */
function fromJwt(payload: JWTPayload, now: number): AccessTokenClaims | null {
  const { sub, client_id: clientId, scope, aud, iat, exp, jti, gid } = payload;
  if (typeof sub !== 'string' || typeof clientId !== 'string' || typeof exp !== 'number' || typeof jti !== 'string') return null;
  if (typeof aud !== 'string' || exp * 1000 <= now) return null;
  return {
    sub,
    clientId,
    scopes: typeof scope === 'string' && scope !== '' ? scope.split(' ') : [],
    aud,
    iat: typeof iat === 'number' ? iat : 0,
    exp,
    jti,
    ...(typeof gid === 'string' ? { gid } : {}),
  };
}

/**
 * The worker's access tokens in both formats. Opaque handles are the default (see
 * `OpaqueAccessTokens`). A client set to `jwt`, or any token request with an RFC 8707
 * `resource`, gets an RFC 9068 JWT instead: `typ: at+jwt`, signed with the active signing key
 * (verifiable with the JWKS by a resource server), with `iss sub aud exp iat jti client_id
 * scope` and the private `gid`. Userinfo, introspection and revocation accept both: a JWT is
 * told apart by its dots, which the opaque format never has.
 */
export class AccessTokens {
  readonly #opaque: OpaqueAccessTokens;
  readonly #keys: KeyCache;
  readonly #issuer: string;

  constructor(options: { keySecrets: readonly Uint8Array[]; issuer: string; keys: KeyCache }) {
    this.#opaque = new OpaqueAccessTokens(options.keySecrets, options.issuer);
    this.#keys = options.keys;
    this.#issuer = options.issuer;
  }

  /** Issues a token; a JWT is signed with `key` (the grant's active key). */
  issue(options: AccessTokenOptions & { format: AccessTokenFormat; key: ActiveSigningKey }): Promise<string> | string {
    const claims = accessTokenClaims(options);
    if (options.format === 'opaque' && options.audience === undefined) return this.#opaque.seal(claims);
    return signJwt(
      options.key,
      {
        iss: this.#issuer,
        sub: claims.sub,
        aud: claims.aud,
        exp: claims.exp,
        iat: claims.iat,
        jti: claims.jti,
        client_id: claims.clientId,
        scope: claims.scopes.join(' '),
        ...(claims.gid === undefined ? {} : { gid: claims.gid }),
      },
      AT_JWT,
    );
  }

  /** The claims of a live token of either format issued here; null when it is not one. */
  async verify(token: string, now = Date.now()): Promise<AccessTokenClaims | null> {
    if (!token.includes('.')) return this.#opaque.open(token, now);
    const payload = await verifyOwnJwt(token, { keys: this.#keys, issuer: this.#issuer, typ: AT_JWT });
    return payload === null ? null : fromJwt(payload, now);
  }
}
