import { type KeyObject, sign } from 'node:crypto';
import { sha256Digest } from '@dex/shared/crypto';
import type { ActiveSigningKey } from '@dex/shared/domain/keys';
import type { UserRecord } from '@dex/shared/domain/users';
import { CROSS_CLIENT_PREFIX } from './checks/check-scope.ts';
import { scopeClaims } from './scope-claims.ts';

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

export interface IdTokenOptions {
  issuer: string;
  key: ActiveSigningKey;
  user: UserRecord;
  clientId: string;
  scopes: readonly string[];
  accessToken: string;
  nonce?: string | null;
  authTime?: Date | null;
  /** The groups the connector reported, for the `groups` claim when the `groups` scope was granted (reference §7.8). */
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
 * Signs an ID token: the user claims its scopes release (`scopeClaims`: `openid` alone gives
 * none; dex v0 put `name` and `email` in every token), plus `auth_time`, `at_hash` and, for
 * cross-client requests, `azp`.
 */
export function signIdToken(options: IdTokenOptions): Promise<string> {
  const { user } = options;
  const { aud, azp } = audienceFor(options.clientId, options.scopes);
  const claims: Record<string, unknown> = { at_hash: atHash(options.accessToken), ...scopeClaims(user, options.scopes, options.groups) };
  if (options.nonce) claims.nonce = options.nonce;
  if (options.authTime) claims.auth_time = Math.floor(options.authTime.getTime() / 1000);
  if (azp !== undefined) claims.azp = azp;
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
