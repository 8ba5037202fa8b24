import type { PrismaDb } from '#db/create-database.ts';

/**
 * The scopes a user has approved for a client on the approval screen so far (none when the
 * user never did, or the client was deleted since).
 * @example const approved = await findConsentedScopes(db.prisma, { userId, clientId });
 */
export async function findConsentedScopes(prisma: PrismaDb, options: { userId: string; clientId: string }): Promise<string[]> {
  const row = await prisma.consent.findUnique({ where: { userId_clientId: { userId: options.userId, clientId: options.clientId } } });
  return row === null || row.scope === '' ? [] : row.scope.split(' ');
}
