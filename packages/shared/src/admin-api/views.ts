import type { ClientRecord } from '#domain/clients/types.ts';
import { type KeyRotation, keyState } from '#domain/keys/rotate-signing-keys.ts';
import type { SigningKeyView } from '#domain/keys/signing-keys.ts';
import type { UserDetails } from '#domain/users/find-user-details.ts';
import type { TClient } from './clients.ts';
import type { TRotateKeysResult, TSigningKey } from './keys.ts';
import type { TUser } from './users.ts';

/**
 * The admin API's (and the audit log's) view of a client: never the secret or its hash.
 * Shared by the overlord and dexctl's database driver, so both print the same thing.
 * @example toClientView(await findClient(prisma, id))
 */
export function toClientView(client: ClientRecord): TClient {
  return {
    id: client.id,
    name: client.name,
    logoUri: client.logoUri,
    clientUri: client.clientUri,
    redirectUris: client.redirectUris,
    trustedPeers: client.trustedPeers,
    admin: client.admin,
    public: client.public,
    trusted: client.trusted,
    registered: client.registered,
    createdAt: client.createdAt.toISOString(),
    updatedAt: client.updatedAt.toISOString(),
  };
}

/** The admin API's view of a user: no password material. @example toUserView(details) */
export function toUserView(user: UserDetails): TUser {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    emailVerified: user.emailVerified,
    admin: user.admin,
    disabled: user.disabled,
    createdAt: user.createdAt.toISOString(),
    hasPassword: user.hasPassword,
    connectors: user.connectors,
  };
}

/** A key's identity, state and windows, picked field by field so no key material can slip in. @example toSigningKeyView(key, new Date()) */
export function toSigningKeyView(key: SigningKeyView, now: Date): TSigningKey {
  return {
    kid: key.kid,
    alg: key.alg,
    state: keyState(key, now),
    createdAt: key.createdAt.toISOString(),
    activatesAt: key.activatesAt.toISOString(),
    retiresAt: key.retiresAt?.toISOString() ?? null,
    expiresAt: key.expiresAt?.toISOString() ?? null,
  };
}

/**
 * The answer of an on-demand rotation: its timeline and the keys afterwards (shared by the
 * overlord and dexctl's database driver).
 * @example toRotateKeysResult(rotation, { keys: await listSigningKeys(prisma), publishDelayMs, now: new Date() })
 */
export function toRotateKeysResult(
  rotation: KeyRotation,
  after: { keys: readonly SigningKeyView[]; publishDelayMs: number; now: Date },
): TRotateKeysResult {
  const iso = (at: Date | null) => at?.toISOString() ?? null;
  return {
    mode: rotation.mode,
    kid: rotation.kid,
    publishedAt: rotation.publishedAt.toISOString(),
    activatesAt: rotation.activatesAt.toISOString(),
    previousKid: rotation.previousKid,
    previousRetiresAt: iso(rotation.previousRetiresAt),
    previousExpiresAt: iso(rotation.previousExpiresAt),
    withdrawn: rotation.withdrawn,
    publishDelaySeconds: after.publishDelayMs / 1000,
    keys: after.keys.map((key) => toSigningKeyView(key, after.now)),
  };
}
