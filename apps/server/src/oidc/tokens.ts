import { createHmac, hkdfSync, type KeyObject, randomUUID, sign, timingSafeEqual } from 'node:crypto';
import { sha256Digest } from '@dex/shared/crypto';
import type { ActiveSigningKey } from '@dex/shared/domain/keys';
import type { UserRecord } from '@dex/shared/domain/users';
import { CROSS_CLIENT_PREFIX } from './checks/check-scope.ts';

/**
 * The audience of an ID token (reference §7.9): the client itself, unless cross-client
 * scopes name other clients; then exactly those (the requester only if it names itself),
 * with `azp` set to the requester.
 */
export function audienceFor(clientId: string, scopes: readonly string[]): { aud: string | string[]; azp?: string } {
  const audiences = scopes.filter((s) => s.startsWith(CROSS_CLIENT_PREFIX)).map((s) => s.slice(CROSS_CLIENT_PREFIX.length));
  if (audiences.length === 0) return { aud: clientId };
  const [only] = audiences;
  return { aud: audiences.length === 1 && only !== undefined ? only : audiences, azp: clientId };
}

/** `at_hash` (OIDC Core §3.1.3.6): left half of the SHA-256 of the access token, base64url. */
export function atHash(accessToken: string): string {
  const digest = sha256Digest(accessToken);
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

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

export interface IdTokenOptions {
  issuer: string;
  key: ActiveSigningKey;
  user: UserRecord;
  clientId: string;
  scopes: readonly string[];
  accessToken: string;
  nonce?: string | null;
  authTime?: Date | null;
  /** The `groups` claim, when the `groups` scope was granted (reference §7.8). */
  groups?: readonly string[];
  ttlMs: number;
  now: number;
}

/** The encoded protected header of each signing key, made once per key. */
const HEADERS = new WeakMap<KeyObject, string>();

function encodedHeader(key: ActiveSigningKey): string {
  let header = HEADERS.get(key.privateKey);
  if (header === undefined) {
    header = Buffer.from(JSON.stringify({ alg: key.alg, kid: key.kid, typ: 'JWT' })).toString('base64url');
    HEADERS.set(key.privateKey, header);
  }
  return header;
}

/**
 * Signs a JWT (JWS compact, RFC 7515) with node:crypto: SHA-256 with the key's algorithm,
 * ES256 signatures in the JOSE form (r || s, RFC 7518 §3.4). The signature is computed on
 * libuv's thread pool (the callback form of `crypto.sign`), so the event loop serves other
 * requests meanwhile. jose's SignJWT does the same through WebCrypto, at several times the
 * overhead per token; this runs on every token request.
 */
export function signJwt(key: ActiveSigningKey, claims: Record<string, unknown>): Promise<string> {
  const input = `${encodedHeader(key)}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signingKey = key.alg === 'ES256' ? { key: key.privateKey, dsaEncoding: 'ieee-p1363' as const } : key.privateKey;
  return new Promise((resolve, reject) => {
    sign('sha256', Buffer.from(input), signingKey, (error, signature) => {
      if (error) reject(error);
      else resolve(`${input}.${signature.toString('base64url')}`);
    });
  });
}

/**
 * Signs an ID token: claims as reference §7.8 (`name`, `email`, `email_verified` as a
 * boolean), plus `auth_time`, `at_hash` and, for cross-client requests, `azp`.
 */
export function signIdToken(options: IdTokenOptions): Promise<string> {
  const { user } = options;
  const { aud, azp } = audienceFor(options.clientId, options.scopes);
  const claims: Record<string, unknown> = { at_hash: atHash(options.accessToken), name: user.displayName };
  if (user.email !== '') {
    claims.email = user.email;
    claims.email_verified = user.emailVerified;
  }
  if (options.nonce) claims.nonce = options.nonce;
  if (options.authTime) claims.auth_time = Math.floor(options.authTime.getTime() / 1000);
  if (azp !== undefined) claims.azp = azp;
  if (options.groups !== undefined) claims.groups = [...options.groups];
  claims.iss = options.issuer;
  claims.sub = user.id;
  claims.aud = aud;
  claims.iat = Math.floor(options.now / 1000);
  claims.exp = Math.floor((options.now + options.ttlMs) / 1000);
  return signJwt(options.key, claims);
}

/** dex v0's client-credentials ID token: `sub` = `aud` = client id, `name` = client id. */
export function signClientIdToken(options: {
  issuer: string;
  key: ActiveSigningKey;
  clientId: string;
  ttlMs: number;
  now: number;
}): Promise<string> {
  return signJwt(options.key, {
    name: options.clientId,
    iss: options.issuer,
    sub: options.clientId,
    aud: options.clientId,
    iat: Math.floor(options.now / 1000),
    exp: Math.floor((options.now + options.ttlMs) / 1000),
  });
}
