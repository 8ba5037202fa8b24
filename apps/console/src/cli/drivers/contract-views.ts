import {
  type TClient,
  type TConnectorList,
  type TSigningKey,
  type TUser,
  ZClient,
  ZConnectorList,
  ZRotateKeysResult,
  ZSigningKey,
  ZUser,
} from '@dex/shared/admin-api';
import { toClientView, toRotateKeysResult, toSigningKeyView, toUserView } from '@dex/shared/admin-api/views';
import type { ClientRecord } from '@dex/shared/domain/clients';
import { type ConnectorRecord, maskConnectorSecrets } from '@dex/shared/domain/connectors';
import type { KeyRotation, SigningKeyView } from '@dex/shared/domain/keys';
import type { UserDetails } from '@dex/shared/domain/users';

// The database driver's view of the store in the admin API contract's shapes, built by the
// same mappings the overlord's routes use (@dex/shared/admin-api/views). Each view is
// parsed with the contract's schema, as the admin API driver parses what it receives, so both
// drivers print the same fields in the same order (zod puts a loose object's declared keys
// first). No secret, hash or key material can slip in.

/** A client as `GET /api/v1/clients/:id` shows it. */
export function toClient(client: ClientRecord): TClient {
  return ZClient.parse(toClientView(client));
}

/** A user as `GET /api/v1/users/:id` shows it. */
export function toUser(user: UserDetails): TUser {
  return ZUser.parse(toUserView(user));
}

/** A signing key as `GET /api/v1/keys` shows it, its state at `now`. */
export function toSigningKey(key: SigningKeyView, now: Date): TSigningKey {
  return ZSigningKey.parse(toSigningKeyView(key, now));
}

/** `POST /api/v1/keys/rotate`: the rotation's timeline and the keys afterwards. */
export function toRotationResult(rotation: KeyRotation, after: { keys: readonly SigningKeyView[]; publishDelayMs: number; now: Date }) {
  return ZRotateKeysResult.parse(toRotateKeysResult(rotation, after));
}

/** `GET /api/v1/connectors`: the v0 configs and the REST items, every secret masked. */
export function toConnectorList(connectors: readonly ConnectorRecord[]): TConnectorList {
  const items = connectors.map((connector) => ({
    id: connector.id,
    type: connector.type,
    position: connector.position,
    config: maskConnectorSecrets(connector.config),
    createdAt: connector.createdAt.toISOString(),
    updatedAt: connector.updatedAt.toISOString(),
  }));
  return ZConnectorList.parse({ connectors: items.map((item) => item.config), items });
}
