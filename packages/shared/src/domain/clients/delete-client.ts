import type { PrismaDb } from '#db/create-database.ts';
import { AppError } from '#errors/index.ts';
import { CLIENT_INCLUDE, type ClientRecord, toClientRecord } from './types.ts';

export interface DeleteClientOptions {
  id: string;
}

export interface DeletedClient {
  /** The client as it was. */
  client: ClientRecord;
  /** Refresh tokens issued to the client, deleted with it. */
  refreshTokensDeleted: number;
  /** Other clients' trust in this one (`trustedPeers` naming it), removed with it. */
  trustRemoved: number;
}

/**
 * Deletes a client in one transaction, with its redirect URIs and trusted peers (cascade),
 * its refresh tokens (they have no foreign key to the client, so they are deleted here) and
 * the entries of other clients that trust it, so a client registered later under the same id
 * inherits neither. Throws NOT_FOUND for an unknown client.
 * @example const { refreshTokensDeleted } = await deleteClient(db.prisma, { id: 'example-app' });
 */
export async function deleteClient(prisma: PrismaDb, options: DeleteClientOptions): Promise<DeletedClient> {
  const { id } = options;
  return prisma.$transaction(async (tx) => {
    const row = await tx.client.findUnique({ where: { id }, include: CLIENT_INCLUDE });
    if (row === null) throw new AppError('NOT_FOUND', { message: 'client not found' });
    const tokens = await tx.refreshToken.deleteMany({ where: { clientId: id } });
    const trust = await tx.trustedPeer.deleteMany({ where: { trustedClientId: id, clientId: { not: id } } });
    await tx.client.delete({ where: { id } });
    return { client: toClientRecord(row), refreshTokensDeleted: tokens.count, trustRemoved: trust.count };
  });
}
