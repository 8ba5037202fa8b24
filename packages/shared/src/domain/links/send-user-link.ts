import type { PrismaDb } from '#db/create-database.ts';
import type { Emailer, TEmailTemplate } from '#email/index.ts';
import type { ActiveSigningKey } from '../keys/signing-keys.ts';
import type { TLinkPurpose } from './link-claims.ts';
import { signUserLink } from './sign-user-link.ts';

/** The page each link opens, below the issuer. */
export const LINK_PATHS: Readonly<Record<TLinkPurpose, string>> = {
  'verify-email': '/verify-email',
  'reset-password': '/reset-password',
  invite: '/accept-invitation',
};

/** The email each kind of link is sent in. */
const TEMPLATE_OF: Readonly<Record<TLinkPurpose, TEmailTemplate>> = {
  'verify-email': 'verify-email',
  'reset-password': 'password-reset',
  invite: 'invite',
};

export interface SendUserLinkOptions {
  emailer: Emailer;
  key: ActiveSigningKey;
  issuer: string;
  purpose: TLinkPurpose;
  userId: string;
  /** The client the link belongs to (default: the issuer). */
  audience?: string;
  callback?: string;
}

/** v0's answer (`emailSent`, and `resetPasswordLink` only when no emailer is configured). */
export interface SentUserLink {
  emailSent: boolean;
  link?: string;
}

/**
 * Makes a user's link and emails it now (an admin's request: the answer says whether it
 * went out). Without an emailer the link is returned instead, for the admin to pass on
 * (dex v0 `emailSent:false, resetPasswordLink`); a failed send returns neither (it is logged
 * and counted by the emailer). NOT_FOUND when the user is gone.
 * @example const { emailSent, link } = await sendUserLink(prisma, { emailer, key, issuer, purpose: 'invite', userId });
 */
export async function sendUserLink(prisma: PrismaDb, options: SendUserLinkOptions): Promise<SentUserLink> {
  const { token, email } = await signUserLink(prisma, {
    key: options.key,
    issuer: options.issuer,
    purpose: options.purpose,
    userId: options.userId,
    audience: options.audience ?? options.issuer,
    ...(options.callback === undefined ? {} : { callback: options.callback }),
  });
  const link = `${options.issuer}${LINK_PATHS[options.purpose]}?token=${encodeURIComponent(token)}`;
  if (!options.emailer.isConfigured) return { emailSent: false, link };
  try {
    await options.emailer.send({ template: TEMPLATE_OF[options.purpose], to: email, link });
    return { emailSent: true };
  } catch {
    return { emailSent: false };
  }
}
