import type { PrismaDb } from '#db/create-database.ts';
import { changeClient } from './change-client.ts';
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
  /** Skip the approval screen at login (ignored for a registered client, which always asks). */
  trusted?: boolean;
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
 * Changes a client's settings in one statement: the client row with its redirect URIs and
 * trusted peers replaced as nested writes, guarded by the client as it was read (see
 * `changeClient`), so the write lock is held only while they run. The result must pass the
 * rules of `createClient` (see `checkClientSettings`): a client turned public needs a name, and
 * a confidential client keeps at least one redirect URI. The id and the secret never change
 * here (see `rotateClientSecret`). Throws NOT_FOUND for an unknown client.
 * @example const { after } = await updateClient(db.prisma, { id: 'example-app', changes: { name: 'Example' } });
 */
export async function updateClient(prisma: PrismaDb, options: UpdateClientOptions): Promise<UpdatedClient> {
  const { id, changes } = options;
  return changeClient(prisma, id, async (row, guard, updatedAt) => {
    const before = toClientRecord(row);
    const name = changes.name?.trim() ?? before.name;
    const redirectUris = changes.redirectUris ?? before.redirectUris;
    const isPublic = changes.public ?? before.public;
    checkClientSettings({ name, isPublic, redirectUris });
    const updated = await prisma.client.update({
      where: guard,
      data: {
        name,
        public: isPublic,
        ...(changes.logoUri === undefined ? {} : { logoUri: changes.logoUri }),
        ...(changes.clientUri === undefined ? {} : { clientUri: changes.clientUri }),
        ...(changes.admin === undefined ? {} : { admin: changes.admin }),
        ...(changes.trusted === undefined ? {} : { trusted: changes.trusted && !before.registered }),
        ...(changes.redirectUris === undefined
          ? {}
          : { redirectUris: { deleteMany: {}, create: changes.redirectUris.map((uri, position) => ({ uri, position })) } }),
        ...(changes.trustedPeers === undefined
          ? {}
          : {
              trustedPeers: { deleteMany: {}, create: [...new Set(changes.trustedPeers)].map((trustedClientId) => ({ trustedClientId })) },
            }),
        // Set explicitly: a change of the redirect URIs or peers alone is a change of the client.
        updatedAt,
      },
      include: CLIENT_INCLUDE,
    });
    return { before, after: toClientRecord(updated) };
  });
}
