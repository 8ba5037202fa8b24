import type { PrismaDb } from '#db/create-database.ts';

/**
 * Remembers that a user approved a client for some scopes, adding them to what the user
 * approved before (an upsert: two approvals at once leave one row).
 * @example await recordConsent(db.prisma, { userId, clientId, scopes: ['openid', 'email'] });
 */
export async function recordConsent(
  prisma: PrismaDb,
  options: { userId: string; clientId: string; scopes: readonly string[]; previous?: readonly string[] },
): Promise<void> {
  const scope = [...new Set([...(options.previous ?? []), ...options.scopes])].join(' ');
  const key = { userId: options.userId, clientId: options.clientId };
  await prisma.consent.upsert({ where: { userId_clientId: key }, create: { ...key, scope }, update: { scope } });
}
