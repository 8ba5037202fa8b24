import type { PrismaDb } from '#db/create-database.ts';
import { AppError } from '#errors/index.ts';
import { checkClientSettings } from './check-client-settings.ts';
import { CLIENT_INCLUDE, type ClientRecord, toClientRecord } from './types.ts';

/** The fields of a client that can change; omitted fields keep their value. */
export interface ClientChanges {
  name?: string;
  /** Replaces the list, in the given order. */
  redirectUris?: readonly string[];
  /** null clears the URI. */
  logoUri?: string | null;
  clientUri?: string | null;
  admin?: boolean;
  public?: boolean;
  /** Replaces the list. */
  trustedPeers?: readonly string[];
}

export interface UpdateClientOptions {
  id: string;
  changes: ClientChanges;
}

export interface UpdatedClient {
  before: ClientRecord;
  after: ClientRecord;
}

/**
 * Changes a client's settings in one transaction. The result must pass the rules of
 * `createClient` (see `checkClientSettings`): a client turned public needs a name, and a
 * confidential client keeps at least one redirect URI. The id and the secret never change
 * here (see `rotateClientSecret`). Throws NOT_FOUND for an unknown client.
 * @example const { after } = await updateClient(db.prisma, { id: 'example-app', changes: { name: 'Example' } });
 */
export async function updateClient(prisma: PrismaDb, options: UpdateClientOptions): Promise<UpdatedClient> {
  const { id, changes } = options;
  return prisma.$transaction(async (tx) => {
    const row = await tx.client.findUnique({ where: { id }, include: CLIENT_INCLUDE });
    if (row === null) throw new AppError('NOT_FOUND', { message: 'client not found' });
    const before = toClientRecord(row);
    const name = changes.name?.trim() ?? before.name;
    const redirectUris = changes.redirectUris ?? before.redirectUris;
    const isPublic = changes.public ?? before.public;
    checkClientSettings({ name, isPublic, redirectUris });

    if (changes.redirectUris !== undefined) {
      await tx.clientRedirectUri.deleteMany({ where: { clientId: id } });
      await tx.clientRedirectUri.createMany({ data: changes.redirectUris.map((uri, position) => ({ clientId: id, uri, position })) });
    }
    if (changes.trustedPeers !== undefined) {
      await tx.trustedPeer.deleteMany({ where: { clientId: id } });
      await tx.trustedPeer.createMany({
        data: [...new Set(changes.trustedPeers)].map((trustedClientId) => ({ clientId: id, trustedClientId })),
      });
    }
    const updated = await tx.client.update({
      where: { id },
      data: {
        name,
        public: isPublic,
        ...(changes.logoUri === undefined ? {} : { logoUri: changes.logoUri }),
        ...(changes.clientUri === undefined ? {} : { clientUri: changes.clientUri }),
        ...(changes.admin === undefined ? {} : { admin: changes.admin }),
        // Set explicitly: a change of the redirect URIs or peers alone is a change of the client.
        updatedAt: new Date(),
      },
      include: CLIENT_INCLUDE,
    });
    return { before, after: toClientRecord(updated) };
  });
}
