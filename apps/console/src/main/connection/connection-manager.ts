import { AppError } from '@dex/shared/errors';
import type { AdminClient, AdminClientOptions } from '#shared/admin-client.ts';
import type { ActiveConnection, ConnectInput, ConnectionProfile, DexSignInInput } from '#shared/console-api.ts';
import type { ProfileStore } from '../profiles/profile-store.ts';
import type { DexSessions } from '../sign-in/dex-sessions.ts';
import { withSessionCookie } from '../sign-in/overlord-session.ts';
import type { StoredDesktopSession } from '../sign-in/token-store.ts';

/**
 * The main process's one connection to an overlord. The admin client (with the secret, or the
 * session of a sign-in through dex) lives here and nowhere else; the renderer only learns the
 * profile and the overlord's state.
 */
export interface ConnectionManager {
  current(): ActiveConnection | null;
  /**
   * Builds an admin client for the profile (its saved secret, or `input.secret` for this
   * connection only), checks it with `GET /api/v1/state` and makes it the connection. On
   * failure the previous connection stays as it was.
   */
  connect(input: ConnectInput): Promise<ActiveConnection>;
  /**
   * Connects as an admin user signed in through dex: the profile's kept session when the
   * overlord still takes it, or else a new sign-in in the system browser. The admin API is
   * then called with that console session (cookie and CSRF token), and the audit log names
   * the admin. UNAUTHORIZED/FORBIDDEN/NOT_IMPLEMENTED from the overlord as it answered.
   */
  signInWithDex(input: DexSignInInput): Promise<ActiveConnection>;
  /** Gives up a sign-in through dex that waits for the browser. */
  cancelSignIn(): void;
  /** Forgets the connection; a session through dex is also ended at the overlord. */
  disconnect(): Promise<void>;
  /** Forgets the connection when it uses this profile, and the profile's session through dex (after its URL or secret changed, or it was removed). */
  forgetProfile(profileId: string): Promise<void>;
  /** Shows a renamed profile in the connection that uses it. */
  renameProfile(profile: ConnectionProfile): void;
  /** The connected admin client; UNAUTHORIZED "not connected" before `connect`. */
  admin(): AdminClient;
}

export interface CreateConnectionManagerOptions {
  profiles: Pick<ProfileStore, 'get' | 'readSecret'>;
  createAdmin: (options: AdminClientOptions) => AdminClient;
  /** Sign-in through dex; without it, `signInWithDex` answers NOT_IMPLEMENTED. */
  dex?: DexSessions;
}

interface Active {
  connection: ActiveConnection;
  admin: AdminClient;
  /** The session of a sign-in through dex, ended at sign-out. */
  dexSession?: StoredDesktopSession;
}

/**
 * @example
 * const connections = createConnectionManager({ profiles, createAdmin: createAdminClient, dex });
 * await connections.connect({ profileId });
 * const keys = await connections.admin().listKeys();
 */
export function createConnectionManager(options: CreateConnectionManagerOptions): ConnectionManager {
  let active: Active | null = null;
  /** Bumped by every connect and disconnect, so a slow connect never overrides a later choice. */
  let generation = 0;

  const adminWithSession = (profile: ConnectionProfile, session: StoredDesktopSession): AdminClient =>
    options.createAdmin({ baseUrl: profile.baseUrl, csrfToken: () => session.csrfToken, fetch: withSessionCookie(session) });

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

    async signInWithDex(input) {
      const dex = options.dex;
      if (dex === undefined) throw new AppError('NOT_IMPLEMENTED', { message: 'this console cannot sign in through dex' });
      const attempt = ++generation;
      const profile = await options.profiles.get(input.profileId);
      let session = await dex.stored(profile);
      let admin = session === null ? null : adminWithSession(profile, session);
      let state =
        admin === null
          ? null
          : await admin.getState().catch(async (error: unknown) => {
              // Ended at the overlord (idle, signed out elsewhere, the admin removed): sign in again.
              if (!(error instanceof AppError) || error.code !== 'UNAUTHORIZED') throw error;
              await dex.discard(profile.id);
              return null;
            });
      if (state === null || session === null || admin === null) {
        session = await dex.signIn(profile);
        admin = adminWithSession(profile, session);
        state = await admin.getState();
      }
      const connection: ActiveConnection = { profile, state, signedInAs: session.actor };
      if (attempt === generation) active = { connection, admin, dexSession: session };
      return connection;
    },

    cancelSignIn() {
      options.dex?.cancelSignIn();
    },

    async disconnect() {
      generation++;
      const ending = active;
      active = null;
      if (ending?.dexSession !== undefined) await options.dex?.signOut(ending.connection.profile, ending.dexSession);
    },

    async forgetProfile(profileId) {
      if (active?.connection.profile.id === profileId) {
        generation++;
        active = null;
      }
      await options.dex?.discard(profileId);
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
