import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, randomUUID } from 'node:crypto';

/** How a client's access tokens look: opaque handles (the default) or RFC 9068 JWTs. */
export type AccessTokenFormat = 'opaque' | 'jwt';

/** What an access token says, whatever its format. */
export interface AccessTokenClaims {
  sub: string;
  clientId: string;
  scopes: string[];
  /** The audience: the client, or the RFC 8707 `resource` it was issued for. */
  aud: string;
  iat: number;
  exp: number;
  jti: string;
  /**
   * The grant the token was issued from (private claim `gid`): the auth session of an
   * authorization code grant, which the refresh tokens it issued carry on (or, for a refresh
   * family without one, the family id). Revoking the grant revokes every access token it
   * issued. Client-credentials tokens have none.
   */
  gid?: string;
}

/** What an access token is issued for. */
export interface AccessTokenOptions {
  subject: string;
  clientId: string;
  scopes: readonly string[];
  /** The audience when it is not the client (RFC 8707 `resource`). */
  audience?: string;
  gid?: string;
  ttlMs: number;
  now: number;
}

/** The claims of a new token: `jti` random, times in seconds. */
export function accessTokenClaims(options: AccessTokenOptions): AccessTokenClaims {
  return {
    sub: options.subject,
    clientId: options.clientId,
    scopes: [...options.scopes],
    aud: options.audience ?? options.clientId,
    iat: Math.floor(options.now / 1000),
    exp: Math.floor((options.now + options.ttlMs) / 1000),
    jti: randomUUID(),
    ...(options.gid === undefined ? {} : { gid: options.gid }),
  };
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** The first byte of every opaque token: the format's version. */
const VERSION = 1;

/**
 * Opaque access tokens: the claims sealed with AES-256-GCM under a key derived (HKDF-SHA256)
 * from each key secret, the issuer as associated data, base64url. Nothing in them is
 * readable, they are no JWT (RFC 9068 validators do not mistake them for one), any worker
 * verifies them without a database read, and sealing costs microseconds, so a token grant
 * still costs one RSA signature (the ID token). Relying parties treat them as opaque;
 * resource servers introspect them.
 */
export class OpaqueAccessTokens {
  readonly #keys: readonly Buffer[];
  readonly #issuer: Buffer;

  constructor(keySecrets: readonly Uint8Array[], issuer: string) {
    this.#keys = keySecrets.map((secret) => Buffer.from(hkdfSync('sha256', secret, new Uint8Array(0), 'dex opaque access token v1', 32)));
    if (this.#keys.length === 0) throw new Error('OpaqueAccessTokens needs at least one key secret');
    this.#issuer = Buffer.from(issuer);
  }

  /** Seals the claims under the first key secret. */
  seal(claims: AccessTokenClaims): string {
    const [key] = this.#keys;
    if (key === undefined) throw new Error('no access token key');
    const { sub, clientId, scopes, aud, iat, exp, jti, gid } = claims;
    const body = JSON.stringify({
      s: sub,
      c: clientId,
      p: scopes.join(' '),
      a: aud === clientId ? undefined : aud,
      i: iat,
      e: exp,
      j: jti,
      g: gid,
    });
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(this.#issuer);
    const sealed = Buffer.concat([Buffer.of(VERSION), iv, cipher.update(body, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return sealed.toString('base64url');
  }

  /** Opens a token sealed under any key secret for this issuer, unexpired at `now`; null otherwise. */
  open(token: string, now = Date.now()): AccessTokenClaims | null {
    if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
    const sealed = Buffer.from(token, 'base64url');
    if (sealed.length <= 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) return null;
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const ciphertext = sealed.subarray(1 + IV_BYTES, sealed.length - TAG_BYTES);
    const tag = sealed.subarray(sealed.length - TAG_BYTES);
    for (const key of this.#keys) {
      let text: string;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv).setAAD(this.#issuer).setAuthTag(tag);
        text = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch {
        continue;
      }
      const claims = fromSealed(JSON.parse(text) as Record<string, unknown>);
      return claims !== null && claims.exp * 1000 > now ? claims : null;
    }
    return null;
  }
}

/** The claims of an opened token (written by `seal`, so only shapes are checked). */
function fromSealed(body: Record<string, unknown>): AccessTokenClaims | null {
  const { s, c, p, a, i, e, j, g } = body;
  if (typeof s !== 'string' || typeof c !== 'string' || typeof p !== 'string' || typeof e !== 'number' || typeof j !== 'string') {
    return null;
  }
  return {
    sub: s,
    clientId: c,
    scopes: p === '' ? [] : p.split(' '),
    aud: typeof a === 'string' ? a : c,
    iat: typeof i === 'number' ? i : 0,
    exp: e,
    jti: j,
    ...(typeof g === 'string' ? { gid: g } : {}),
  };
}
