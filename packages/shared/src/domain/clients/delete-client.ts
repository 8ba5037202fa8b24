import type { PrismaDb } from '#db/create-database.ts';
import { changeClient } from './change-client.ts';
import { type ClientRecord, toClientRecord } from './types.ts';

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
 * Deletes a client in one batch transaction, with its redirect URIs and trusted peers
 * (cascade), its refresh tokens (they have no foreign key to the client, so they are deleted
 * here) and the entries of other clients that trust it, so a client registered later under the
 * same id inherits neither. The client is read before, outside the transaction, and the delete
 * is guarded by what was read (see `changeClient`). Throws NOT_FOUND for an unknown client.
 * @example const { refreshTokensDeleted } = await deleteClient(db.prisma, { id: 'example-app' });
 */
export async function deleteClient(prisma: PrismaDb, options: DeleteClientOptions): Promise<DeletedClient> {
  const { id } = options;
  return changeClient(prisma, id, async (row, guard) => {
    const [, tokens, trust] = await prisma.$transaction([
      prisma.client.delete({ where: guard }),
      prisma.refreshToken.deleteMany({ where: { clientId: id } }),
      prisma.trustedPeer.deleteMany({ where: { trustedClientId: id, clientId: { not: id } } }),
    ]);
    return { client: toClientRecord(row), refreshTokensDeleted: tokens.count, trustRemoved: trust.count };
  });
}
