import { AppError } from '@dex/shared/errors';
import type { AdminClient, AdminClientOptions } from '#shared/admin-client.ts';
import type { ActiveConnection, ConnectInput, ConnectionProfile } from '#shared/console-api.ts';
import type { ProfileStore } from '../profiles/profile-store.ts';

/**
 * The main process's one connection to an overlord. The admin client (with the secret) lives
 * here and nowhere else; the renderer only learns the profile and the overlord's state.
 */
export interface ConnectionManager {
  current(): ActiveConnection | null;
  /**
   * Builds an admin client for the profile (its saved secret, or `input.secret` for this
   * connection only), checks it with `GET /api/v1/state` and makes it the connection. On
   * failure the previous connection stays as it was.
   */
  connect(input: ConnectInput): Promise<ActiveConnection>;
  disconnect(): void;
  /** Forgets the connection when it uses this profile (after its URL or secret changed, or it was removed). */
  forgetProfile(profileId: string): void;
  /** Shows a renamed profile in the connection that uses it. */
  renameProfile(profile: ConnectionProfile): void;
  /** The connected admin client; UNAUTHORIZED "not connected" before `connect`. */
  admin(): AdminClient;
}

export interface CreateConnectionManagerOptions {
  profiles: Pick<ProfileStore, 'get' | 'readSecret'>;
  createAdmin: (options: AdminClientOptions) => AdminClient;
}

/**
 * @example
 * const connections = createConnectionManager({ profiles, createAdmin: createAdminClient });
 * await connections.connect({ profileId });
 * const keys = await connections.admin().listKeys();
 */
export function createConnectionManager(options: CreateConnectionManagerOptions): ConnectionManager {
  let active: { connection: ActiveConnection; admin: AdminClient } | null = null;
  /** Bumped by every connect and disconnect, so a slow connect never overrides a later choice. */
  let generation = 0;

  return {
    current: () => active?.connection ?? null,

    async connect(input) {
      const attempt = ++generation;
      const profile = await options.profiles.get(input.profileId);
      const secret = input.secret ?? (await options.profiles.readSecret(profile.id));
      const admin = options.createAdmin({ baseUrl: profile.baseUrl, secret });
      const state = await admin.getState();
      const connection: ActiveConnection = { profile, state };
      if (attempt === generation) active = { connection, admin };
      return connection;
    },

    disconnect() {
      generation++;
      active = null;
    },

    forgetProfile(profileId) {
      if (active?.connection.profile.id === profileId) {
        generation++;
        active = null;
      }
    },

    renameProfile(profile) {
      if (active?.connection.profile.id === profile.id) active = { ...active, connection: { ...active.connection, profile } };
    },

    admin() {
      if (active === null) {
        throw new AppError('UNAUTHORIZED', { message: 'not connected: choose a profile and connect first' });
      }
      return active.admin;
    },
  };
}
