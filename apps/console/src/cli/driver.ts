import type {
  TClient,
  TClientSecret,
  TConnectorList,
  TCreateClientRequest,
  TCreatedClient,
  TCreateUserRequest,
  TRotateKeysRequest,
  TRotateKeysResult,
  TSigningKeyList,
  TState,
  TUser,
} from '@dex/shared/admin-api';

/**
 * What dexctl's commands do, spoken in the admin API contract's shapes, so each command is
 * written once and prints the same whether it runs on the database (`--db-url`) or on the
 * overlord's admin API (`--admin-url`). Failures are AppErrors with the same codes and
 * messages on both (`client not found`, `email already in use`).
 */
export interface Driver {
  /** `GET /api/v1/state`. */
  getState(): Promise<TState>;

  /** Every client, ordered by id. */
  listClients(): Promise<TClient[]>;
  /** NOT_FOUND `client not found`. */
  getClient(id: string): Promise<TClient>;
  createClient(request: TCreateClientRequest): Promise<TCreatedClient>;
  deleteClient(id: string): Promise<void>;
  rotateClientSecret(id: string): Promise<TClientSecret>;

  /** The connector configs in login-page order, secrets masked. */
  listConnectors(): Promise<TConnectorList>;
  /** Replaces every connector config; a masked secret keeps the stored one. */
  replaceConnectors(configs: readonly unknown[]): Promise<void>;

  /** Every user, ordered by email. */
  listUsers(): Promise<TUser[]>;
  /** NOT_FOUND `user not found`; the email is matched case-insensitively. */
  findUserByEmail(email: string): Promise<TUser>;
  createUser(request: TCreateUserRequest): Promise<TUser>;
  disableUser(id: string): Promise<TUser>;

  listKeys(): Promise<TSigningKeyList>;
  /** Publishes the next key first (it signs after the publish delay), or `immediate`: a fresh key signs at once and the old ones leave the JWKS. */
  rotateKeys(request: TRotateKeysRequest): Promise<TRotateKeysResult>;
}
