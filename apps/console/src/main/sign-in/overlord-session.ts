import {
  CONSOLE_SESSION_API_PATHS,
  type TDesktopSession,
  type TDesktopSignIn,
  ZApiError,
  ZDesktopSession,
  ZDesktopSignIn,
} from '@dex/shared/admin-api';
import { AppError, type AppErrorCode, errorReason } from '@dex/shared/errors';
import type { z } from 'zod';

/** The cookie the overlord reads the console session from (the web console's, sent by the main process itself). */
export const CONSOLE_SESSION_COOKIE = 'dex_console_session';
const TIMEOUT_MS = 10_000;
/** The overlord's error codes the sign-in passes on as they are (anything else is INTERNAL). */
const PASSED_ON: ReadonlySet<string> = new Set<AppErrorCode>(['BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'NOT_IMPLEMENTED']);

/** The overlord's admin API base URL without a trailing slash (a path prefix is kept). */
const baseOf = (baseUrl: string): string => baseUrl.replace(/\/+$/, '');

async function call<S extends z.ZodType>(
  baseUrl: string,
  request: { method: 'GET' | 'POST' | 'DELETE'; path: string; body?: unknown; cookie?: string; schema: S | null },
  fetchImpl: typeof fetch,
): Promise<z.output<S> | undefined> {
  let response: Response;
  let text: string;
  try {
    response = await fetchImpl(`${baseOf(baseUrl)}${request.path}`, {
      method: request.method,
      headers: {
        accept: 'application/json',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(request.cookie === undefined ? {} : { cookie: `${CONSOLE_SESSION_COOKIE}=${request.cookie}` }),
      },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    text = await response.text();
  } catch (error) {
    throw new AppError('INTERNAL', {
      message: `the overlord at ${baseOf(baseUrl)} cannot be reached: ${errorReason(error)}`,
      expose: true,
      cause: error,
    });
  }
  const json = parseJson(text);
  if (!response.ok) {
    const error = ZApiError.safeParse(json);
    if (error.success) {
      const code = PASSED_ON.has(error.data.code) ? (error.data.code as AppErrorCode) : 'INTERNAL';
      const message = response.status >= 500 ? `the overlord at ${baseOf(baseUrl)} failed: ${error.data.message}` : error.data.message;
      throw AppError.fromJSON({ code, message }, response.status);
    }
    throw new AppError('INTERNAL', { message: `the overlord at ${baseOf(baseUrl)} answered HTTP ${response.status}`, expose: true });
  }
  if (request.schema === null) return undefined;
  const parsed = request.schema.safeParse(json);
  if (!parsed.success) {
    throw new AppError('INTERNAL', {
      message: `the overlord at ${baseOf(baseUrl)} answered something that is not a console session`,
      expose: true,
    });
  }
  return parsed.data;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Where an overlord's admins sign in through dex (`GET /api/v1/session/desktop`): its
 * `--console-issuer` and the desktop client. NOT_IMPLEMENTED when the overlord has none.
 * @example const { issuer, clientId } = await discoverDesktopSignIn('https://dex-admin.example.com');
 */
export async function discoverDesktopSignIn(baseUrl: string, fetchImpl: typeof fetch = fetch): Promise<TDesktopSignIn> {
  return (await call(
    baseUrl,
    { method: 'GET', path: CONSOLE_SESSION_API_PATHS.desktopSession, schema: ZDesktopSignIn },
    fetchImpl,
  )) as TDesktopSignIn;
}

/**
 * Exchanges the ID token of a desktop sign-in for a console session (`POST /api/v1/session/desktop`).
 * @example const session = await exchangeIdToken(baseUrl, tokens.idToken);
 */
export async function exchangeIdToken(baseUrl: string, idToken: string, fetchImpl: typeof fetch = fetch): Promise<TDesktopSession> {
  return (await call(
    baseUrl,
    { method: 'POST', path: CONSOLE_SESSION_API_PATHS.desktopSession, body: { idToken }, schema: ZDesktopSession },
    fetchImpl,
  )) as TDesktopSession;
}

/**
 * Ends a console session at the overlord (`DELETE /api/v1/session` with its cookie): sign-out.
 * @example await revokeSession(baseUrl, stored.sessionToken);
 */
export async function revokeSession(baseUrl: string, sessionToken: string, fetchImpl: typeof fetch = fetch): Promise<void> {
  await call(baseUrl, { method: 'DELETE', path: CONSOLE_SESSION_API_PATHS.session, cookie: sessionToken, schema: null }, fetchImpl);
}

/**
 * A `fetch` that adds the console session's cookie to the requests it makes to `origin`, and
 * to no other: what the admin client uses for a desktop sign-in through dex.
 * @example createAdminClient({ baseUrl, csrfToken: () => session.csrfToken, fetch: withSessionCookie(session) });
 */
export function withSessionCookie(session: { origin: string; sessionToken: string }, fetchImpl: typeof fetch = fetch): typeof fetch {
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin !== session.origin) return fetchImpl(input, init);
    const headers = new Headers(init?.headers);
    headers.set('cookie', `${CONSOLE_SESSION_COOKIE}=${session.sessionToken}`);
    return fetchImpl(input, { ...init, headers });
  };
}
