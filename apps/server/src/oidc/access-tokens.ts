import { createHmac, hkdfSync, randomUUID, timingSafeEqual } from 'node:crypto';

const ACCESS_TOKEN_TYP = 'at+jwt';
/** The one header this provider puts on access tokens, encoded once. */
const ACCESS_TOKEN_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: ACCESS_TOKEN_TYP })).toString('base64url');

/**
 * Access tokens are for this provider's own endpoints (userinfo, introspection), so they are
 * MACed rather than signed: a JWT with HS256 under a key derived (HKDF-SHA256) from each key
 * secret. Any worker can verify them, relying parties treat them as opaque, resource servers
 * use introspection; and a token grant costs one RSA signature (the ID token), not two.
 * The JWT is built with node:crypto directly: it runs on every token request.
 */
export class AccessTokenKeys {
  readonly #keys: readonly Buffer[];

  constructor(keySecrets: readonly Uint8Array[]) {
    this.#keys = keySecrets.map((secret) => Buffer.from(hkdfSync('sha256', secret, new Uint8Array(0), 'dex access token v1', 32)));
    if (this.#keys.length === 0) throw new Error('AccessTokenKeys needs at least one key secret');
  }

  /**
   * Issues an access token for a user (`sub` = user id) or a client (`sub` = client id). A
   * user's token names its grant in the private claim `gid` (see {@link AccessTokenClaims.gid}).
   */
  sign(options: {
    issuer: string;
    subject: string;
    clientId: string;
    scopes: readonly string[];
    gid?: string;
    ttlMs: number;
    now: number;
  }): string {
    const [key] = this.#keys;
    if (key === undefined) throw new Error('no access token key');
    const iat = Math.floor(options.now / 1000);
    const payload = Buffer.from(
      JSON.stringify({
        iss: options.issuer,
        sub: options.subject,
        aud: options.clientId,
        client_id: options.clientId,
        scope: options.scopes.join(' '),
        jti: randomUUID(),
        ...(options.gid === undefined ? {} : { gid: options.gid }),
        iat,
        exp: Math.floor((options.now + options.ttlMs) / 1000),
      }),
    ).toString('base64url');
    const input = `${ACCESS_TOKEN_HEADER}.${payload}`;
    return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
  }

  /** Verifies an access token (MAC under any key secret, issuer, expiry); null when it is not valid. */
  verify(token: string, issuer: string, now = Date.now()): AccessTokenClaims | null {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== ACCESS_TOKEN_HEADER) return null;
    const input = `${parts[0]}.${parts[1]}`;
    const mac = Buffer.from(parts[2] ?? '', 'base64url');
    const valid = this.#keys.some((key) => {
      const expected = createHmac('sha256', key).update(input).digest();
      return expected.length === mac.length && timingSafeEqual(expected, mac);
    });
    if (!valid) return null;
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return null;
    }
    const { sub, client_id: clientId, scope, iat, exp, jti, gid } = payload;
    if (payload.iss !== issuer || typeof sub !== 'string' || typeof clientId !== 'string' || typeof exp !== 'number') return null;
    if (exp * 1000 <= now) return null;
    return {
      sub,
      clientId,
      scopes: typeof scope === 'string' && scope !== '' ? scope.split(' ') : [],
      iat: typeof iat === 'number' ? iat : 0,
      exp,
      jti: typeof jti === 'string' ? jti : '',
      ...(typeof gid === 'string' && gid !== '' ? { gid } : {}),
    };
  }
}

export interface AccessTokenClaims {
  sub: string;
  clientId: string;
  scopes: string[];
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
