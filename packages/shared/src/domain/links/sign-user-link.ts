import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { PrismaDb } from '#db/create-database.ts';
import { AppError } from '#errors/index.ts';
import type { ActiveSigningKey } from '../keys/signing-keys.ts';
import { LINK_JWT_TYPE, LINK_TTL_MS, type LinkClaims, passwordFingerprint, type TLinkPurpose } from './link-claims.ts';

export interface SignUserLinkOptions {
  /** The active signing key (workers: their key cache; the overlord: `loadKeySet`). */
  key: ActiveSigningKey;
  issuer: string;
  purpose: TLinkPurpose;
  userId: string;
  /** The client the link belongs to; the issuer when there is none. */
  audience: string;
  /** Where the browser goes when the flow is done (a redirect URI registered for `audience`). */
  callback?: string;
  now?: number;
}

/**
 * Signs a single-purpose, expiring link for a user (dex v0 §7.5): a JWT with the signing
 * key, typed `dex-link+jwt`, naming its purpose, bound to the user's current email and, for
 * reset and invitation links, to the current password hash (so it works once). Returns the
 * token and the user's email (where to send it). NOT_FOUND when the user is gone.
 * @example const { token, email } = await signUserLink(prisma, { key, issuer, purpose: 'reset-password', userId, audience: clientId });
 */
export async function signUserLink(prisma: PrismaDb, options: SignUserLinkOptions): Promise<{ token: string; email: string }> {
  const user = await prisma.user.findUnique({ where: { id: options.userId }, include: { password: true } });
  if (user === null) throw new AppError('NOT_FOUND', { message: 'no such user' });
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const claims: Omit<LinkClaims, 'iss' | 'sub' | 'aud' | 'iat' | 'exp' | 'jti'> = {
    purpose: options.purpose,
    email: user.email,
    ...(options.purpose === 'verify-email' ? {} : { pwd: passwordFingerprint(user.password?.passwordHash ?? null) }),
    ...(options.callback === undefined ? {} : { cb: options.callback }),
  };
  const token = await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: options.key.alg, kid: options.key.kid, typ: LINK_JWT_TYPE })
    .setIssuer(options.issuer)
    .setSubject(user.id)
    .setAudience(options.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + LINK_TTL_MS[options.purpose] / 1000)
    .setJti(randomUUID())
    .sign(options.key.privateKey);
  return { token, email: user.email };
}
