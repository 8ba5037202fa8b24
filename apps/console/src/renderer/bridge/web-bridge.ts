import { AppError } from '@dex/shared/errors';
import { createAdminClient } from '#shared/admin-client.ts';
import { createConsoleOperations, settle } from '#shared/console-operations.ts';
import type { ActiveConnection, BridgeResult, ConnectionProfile, ConsoleApi } from '#shared/console-api.ts';

/** The one implicit profile of the web console: the overlord that served the page. */
export const WEB_PROFILE_ID = 'web';

export interface WebBridgeOptions {
  /** The admin API's origin: the page's own (`window.location.origin`), since the overlord serves `/console`. */
  origin: string;
  /** Injected in tests; the global `fetch` by default. */
  fetch?: typeof fetch;
}

/**
 * The bridge of the console served by the overlord at `/console`: the admin API of the same
 * origin, called with `fetch`. The overlord holds the session: the admin secret typed at
 * sign-in is sent once (`POST /api/v1/session`, the break-glass sign-in) and exchanged for an
 * HttpOnly, SameSite=Strict cookie that no script can read; nothing is kept in
 * `sessionStorage`, `localStorage` or the URL. Changes carry the session's CSRF token, held in
 * this tab's memory only and fetched again after a reload (`GET /api/v1/session`).
 * @example const bridge = createWebBridge({ origin: window.location.origin });
 */
export function createWebBridge(options: WebBridgeOptions): ConsoleApi {
  const profile: ConnectionProfile = Object.freeze({ id: WEB_PROFILE_ID, name: new URL(options.origin).host, baseUrl: options.origin });
  let csrfToken: string | null = null;
  const admin = createAdminClient({
    baseUrl: options.origin,
    csrfToken: () => csrfToken,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });

  const signedInAdmin = () => {
    if (csrfToken === null) throw new AppError('UNAUTHORIZED', { message: 'not signed in: enter the admin API secret' });
    return admin;
  };

  return Object.freeze({
    kind: 'web' as const,
    connection: Object.freeze({
      current: (): Promise<BridgeResult<ActiveConnection | null>> =>
        settle(async () => {
          let actor: string;
          try {
            ({ csrfToken, actor } = await admin.getSession());
          } catch (error) {
            // No session (never signed in, signed out, or it ended): sign in.
            if (error instanceof AppError && error.code === 'UNAUTHORIZED') {
              csrfToken = null;
              return null;
            }
            throw error;
          }
          return { profile, state: await admin.getState(), signedInAs: actor };
        }),
      connect: (input: { profileId: string; secret?: string }): Promise<BridgeResult<ActiveConnection>> =>
        settle(async () => {
          if (input.profileId !== WEB_PROFILE_ID) {
            throw new AppError('NOT_FOUND', { message: `the web console has no connection profile "${input.profileId}"` });
          }
          const secret = input.secret?.trim() ?? '';
          if (secret === '') throw new AppError('BAD_REQUEST', { message: 'enter the admin API secret' });
          const session = await admin.openSession(secret);
          csrfToken = session.csrfToken;
          return { profile, state: await admin.getState(), signedInAs: session.actor };
        }),
      disconnect: (): Promise<BridgeResult<void>> =>
        settle(async () => {
          try {
            await admin.closeSession();
          } finally {
            csrfToken = null;
          }
        }),
    }),
    ...createConsoleOperations(signedInAdmin),
  });
}
