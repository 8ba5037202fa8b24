import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { sha256Digest } from '@dex/shared/crypto';
import type { ActiveSigningKey } from '@dex/shared/domain/keys';
import type { UserRecord } from '@dex/shared/domain/users';
import { CROSS_CLIENT_PREFIX } from './checks/check-scope.ts';

export interface TokenSubject {
  user: UserRecord;
  clientId: string;
  scopes: readonly string[];
  nonce?: string | null;
  authTime?: Date | null;
}

export interface SignedTokens {
  idToken: string;
  accessToken: string;
  expiresIn: number;
}

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

/**
 * Signs the ID token and the access token of a login. Claims as reference §7.8, plus
 * `auth_time` and `at_hash`; `email_verified` is always a boolean. The access token is a
 * distinct JWT (RFC 9068 profile), never the ID token.
 */
export async function signTokens(options: {
  issuer: string;
  key: ActiveSigningKey;
  subject: TokenSubject;
  ttlMs: number;
  now?: Date;
}): Promise<SignedTokens> {
  const { issuer, key, subject } = options;
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const expiresIn = Math.floor(options.ttlMs / 1000);
  const exp = now + expiresIn;
  const accessToken = await new SignJWT({
    client_id: subject.clientId,
    scope: subject.scopes.join(' '),
    jti: randomUUID(),
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
    .setIssuer(issuer)
    .setSubject(subject.user.id)
    .setAudience(subject.clientId)
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .sign(key.privateKey);

  const { aud, azp } = audienceFor(subject.clientId, subject.scopes);
  const claims: Record<string, unknown> = {
    at_hash: atHash(accessToken),
    name: subject.user.displayName,
  };
  if (subject.user.email !== '') {
    claims.email = subject.user.email;
    claims.email_verified = subject.user.emailVerified;
  }
  if (subject.nonce) claims.nonce = subject.nonce;
  if (subject.authTime) claims.auth_time = Math.floor(subject.authTime.getTime() / 1000);
  if (azp !== undefined) claims.azp = azp;
  const idToken = await new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(issuer)
    .setSubject(subject.user.id)
    .setAudience(aud)
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .sign(key.privateKey);
  return { idToken, accessToken, expiresIn };
}
