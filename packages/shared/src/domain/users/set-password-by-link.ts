import { hashPassword } from '#crypto/index.ts';
import type { PrismaDb } from '#db/create-database.ts';
import { passwordFingerprint } from '../links/link-claims.ts';
import { revokeUserTokens } from './revoke-user-tokens.ts';
import { LOCAL_CONNECTOR_ID } from './types.ts';

export interface SetPasswordByLinkOptions {
  userId: string;
  /** The link's `pwd` claim: the fingerprint of the password hash it was made for. */
  fingerprint: string;
  /** The link's `email` claim: the address it was sent to. */
  email: string;
  password: string;
  /** An invitation: following it proves the address, so the email becomes verified. */
  verifyEmail: boolean;
  localConnectorId?: string;
}

/** `changed`: done; `stale`: the password changed since the link was made (it was used), or the email did. */
export type SetPasswordByLinkResult = 'changed' | 'stale';

/**
 * Sets a user's password from a reset or invitation link, once: the write is a
 * compare-and-set on the password hash the link was made for, so of two concurrent uses (or
 * a replay) only one succeeds. The user gets a local identity if they had none (invited
 * users), and then every browser session and refresh token of the user ends.
 * @example await setPasswordByLink(prisma, { userId: claims.sub, fingerprint: claims.pwd, email: claims.email, password, verifyEmail: false })
 */
export async function setPasswordByLink(prisma: PrismaDb, options: SetPasswordByLinkOptions): Promise<SetPasswordByLinkResult> {
  const user = await prisma.user.findUnique({ where: { id: options.userId }, include: { password: true } });
  const oldHash = user?.password?.passwordHash ?? null;
  if (user === null || user.email !== options.email || passwordFingerprint(oldHash) !== options.fingerprint) return 'stale';
  const passwordHash = await hashPassword(options.password);
  const connectorId = options.localConnectorId ?? LOCAL_CONNECTOR_ID;
  try {
    await prisma.$transaction(async (tx) => {
      // Only writes here: the hash was computed before, so the write lock is held briefly.
      if (oldHash === null) {
        await tx.passwordCredential.create({ data: { userId: user.id, passwordHash } });
      } else {
        const swapped = await tx.passwordCredential.updateMany({
          where: { userId: user.id, passwordHash: oldHash },
          data: { passwordHash, passwordExpires: null },
        });
        if (swapped.count !== 1) throw new StaleLink();
      }
      await tx.remoteIdentity.upsert({
        where: { connectorId_remoteId: { connectorId, remoteId: user.id } },
        create: { connectorId, remoteId: user.id, userId: user.id },
        update: {},
      });
      if (options.verifyEmail) await tx.user.updateMany({ where: { id: user.id, email: options.email }, data: { emailVerified: true } });
    });
  } catch (error) {
    // A concurrent use created or changed the credential first.
    if (error instanceof StaleLink || (error as { code?: string }).code === 'P2002') return 'stale';
    throw error;
  }
  await revokeUserTokens(prisma, { userId: user.id });
  return 'changed';
}

class StaleLink extends Error {}
