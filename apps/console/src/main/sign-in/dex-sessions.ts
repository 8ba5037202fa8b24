import type { Logger } from '@dex/shared/logging';
import type { ConnectionProfile } from '#shared/console-api.ts';
import { discoverDesktopSignIn, exchangeIdToken, revokeSession } from './overlord-session.ts';
import { signInWithDex, type SignInWithDexOptions } from './sign-in-with-dex.ts';
import type { StoredDesktopSession, TokenStore } from './token-store.ts';

/**
 * The desktop app's sessions through dex, one per connection profile, for the connection
 * manager. The session token never leaves the main process.
 */
export interface DexSessions {
  /** The profile's session kept from an earlier sign-in (this run, or encrypted on disk), for the profile's origin only. */
  stored(profile: ConnectionProfile): Promise<StoredDesktopSession | null>;
  /**
   * Signs in through dex for the profile: asks the overlord where (`GET /api/v1/session/desktop`),
   * runs the code flow with PKCE in the system browser to a loopback redirect, exchanges the ID
   * token for a console session and keeps it (encrypted with the OS keychain; in memory only
   * when there is none).
   */
  signIn(profile: ConnectionProfile): Promise<StoredDesktopSession>;
  /** Gives up the sign-in waiting for the browser, if one is: it rejects with "the sign-in was cancelled". */
  cancelSignIn(): void;
  /** Sign-out: ends the session at the overlord (when it answers) and forgets it here. */
  signOut(profile: ConnectionProfile, session: StoredDesktopSession): Promise<void>;
  /** Forgets the profile's session here (it no longer works, or the profile moved or went). */
  discard(profileId: string): Promise<void>;
}

export interface CreateDexSessionsOptions {
  store: TokenStore;
  /** Opens the worker's sign-in page: the system browser (`shell.openExternal`), or in tests an HTTP client that logs in. */
  openBrowser: SignInWithDexOptions['openBrowser'];
  logger?: Pick<Logger, 'info' | 'warn'>;
  /** How long the admin may take in the browser (default 5 min). */
  timeoutMs?: number;
}

/**
 * @example
 * const dex = createDexSessions({ store: createTokenStore({ path, cipher }), openBrowser: (url) => shell.openExternal(url) });
 * const connections = createConnectionManager({ profiles, createAdmin, dex });
 */
export function createDexSessions(options: CreateDexSessionsOptions): DexSessions {
  /** This run's sessions: also those the keychain could not protect. */
  const memory = new Map<string, StoredDesktopSession>();
  /** The sign-ins waiting for the browser (normally one: the screen allows one at a time). */
  const pending = new Set<AbortController>();

  return {
    async stored(profile) {
      const session = memory.get(profile.id) ?? (await options.store.load(profile.id));
      if (session === null || session === undefined) return null;
      // A profile moved to another server never sends the old server's token there.
      return session.origin === new URL(profile.baseUrl).origin && Date.parse(session.expiresAt) > Date.now() ? session : null;
    },

    async signIn(profile) {
      const { issuer, clientId } = await discoverDesktopSignIn(profile.baseUrl);
      const abort = new AbortController();
      pending.add(abort);
      const tokens = await signInWithDex({
        issuer,
        clientId,
        openBrowser: options.openBrowser,
        signal: abort.signal,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      }).finally(() => pending.delete(abort));
      const opened = await exchangeIdToken(profile.baseUrl, tokens.idToken);
      const session: StoredDesktopSession = {
        origin: new URL(profile.baseUrl).origin,
        sessionToken: opened.sessionToken,
        csrfToken: opened.csrfToken,
        actor: opened.actor,
        expiresAt: opened.expiresAt,
      };
      memory.set(profile.id, session);
      try {
        await options.store.save(profile.id, session);
      } catch (error) {
        options.logger?.warn({ err: error, profileId: profile.id }, 'the sign-in through dex is kept in memory only');
      }
      options.logger?.info({ profileId: profile.id, actor: session.actor }, 'signed in through dex');
      return session;
    },

    cancelSignIn() {
      for (const abort of pending) abort.abort();
    },

    async signOut(profile, session) {
      memory.delete(profile.id);
      await options.store.clear(profile.id);
      try {
        await revokeSession(profile.baseUrl, session.sessionToken);
      } catch (error) {
        // Forgotten here all the same; the overlord ends it when idle.
        options.logger?.warn({ err: error, profileId: profile.id }, 'the overlord could not be told about the sign-out');
      }
    },

    async discard(profileId) {
      memory.delete(profileId);
      await options.store.clear(profileId);
    },
  };
}
