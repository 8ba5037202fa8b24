import { AppError } from '@dex/shared/errors';
import { createAdminClient } from '#core/admin-client.ts';
import { createConsoleOperations, settle } from '#core/console-operations.ts';
import type { ActiveConnection, BridgeResult, ConnectionProfile, ConsoleApi } from '#shared/console-api.ts';

/** Where the web bridge keeps the admin secret: `sessionStorage`, so it ends with the tab. */
export const WEB_SECRET_STORAGE_KEY = 'dex-console.admin-secret';

/** The one implicit profile of the web console: the overlord that served the page. */
export const WEB_PROFILE_ID = 'web';

export interface WebBridgeOptions {
  /** The admin API's origin: the page's own (`window.location.origin`), since the overlord serves `/console`. */
  origin: string;
  /** The tab's `sessionStorage`: the secret lives there and nowhere else. */
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  /** Injected in tests; the global `fetch` by default. */
  fetch?: typeof fetch;
}

/**
 * The bridge of the console served by the overlord at `/console`: the admin API of the same
 * origin, called with `fetch` through the same admin client dexctl and the desktop app use.
 * The secret typed at sign-in is checked with `GET /api/v1/state`, then kept in
 * `sessionStorage` only (never in `localStorage`, cookies or the URL) and cleared by
 * `disconnect`.
 * @example const bridge = createWebBridge({ origin: window.location.origin, storage: window.sessionStorage });
 */
export function createWebBridge(options: WebBridgeOptions): ConsoleApi {
  const { storage } = options;
  const profile: ConnectionProfile = Object.freeze({ id: WEB_PROFILE_ID, name: new URL(options.origin).host, baseUrl: options.origin });

  const adminFor = (secret: string) =>
    createAdminClient({ baseUrl: options.origin, secret, ...(options.fetch === undefined ? {} : { fetch: options.fetch }) });

  const storedSecret = (): string | null => {
    const secret = storage.getItem(WEB_SECRET_STORAGE_KEY);
    return secret === null || secret === '' ? null : secret;
  };

  const signedInAdmin = () => {
    const secret = storedSecret();
    if (secret === null) throw new AppError('UNAUTHORIZED', { message: 'not signed in: enter the admin API secret' });
    return adminFor(secret);
  };

  const connect = async (secret: string): Promise<ActiveConnection> => {
    const state = await adminFor(secret).getState();
    storage.setItem(WEB_SECRET_STORAGE_KEY, secret);
    return { profile, state };
  };

  return Object.freeze({
    kind: 'web' as const,
    connection: Object.freeze({
      current: (): Promise<BridgeResult<ActiveConnection | null>> =>
        settle(async () => {
          const secret = storedSecret();
          if (secret === null) return null;
          try {
            return await connect(secret);
          } catch (error) {
            // The secret of this tab no longer opens the API (it was changed): sign in again.
            if (error instanceof AppError && error.code === 'UNAUTHORIZED') {
              storage.removeItem(WEB_SECRET_STORAGE_KEY);
              return null;
            }
            throw error;
          }
        }),
      connect: (input: { profileId: string; secret?: string }): Promise<BridgeResult<ActiveConnection>> =>
        settle(async () => {
          if (input.profileId !== WEB_PROFILE_ID) {
            throw new AppError('NOT_FOUND', { message: `the web console has no connection profile "${input.profileId}"` });
          }
          const secret = input.secret?.trim() ?? '';
          if (secret === '') throw new AppError('BAD_REQUEST', { message: 'enter the admin API secret' });
          return connect(secret);
        }),
      disconnect: (): Promise<BridgeResult<void>> =>
        settle(async () => {
          storage.removeItem(WEB_SECRET_STORAGE_KEY);
        }),
    }),
    ...createConsoleOperations(signedInAdmin),
  });
}
