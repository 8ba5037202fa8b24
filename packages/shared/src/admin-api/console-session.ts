import { z } from 'zod';

/** The console's sign-in: the overlord holds the session, the browser an HttpOnly cookie. */
export const CONSOLE_SESSION_API_PATHS = {
  session: '/api/v1/session',
  /** The desktop console's sign-in through dex: `GET` says where, `POST` exchanges its ID token for a session. */
  desktopSession: '/api/v1/session/desktop',
} as const;

/** `POST /api/v1/session`: the break-glass sign-in, the admin API secret exchanged once for a session cookie. */
export const ZBreakGlassRequest = z.strictObject({
  secret: z.string({ error: 'secret is required' }).min(1, 'secret is required'),
});
export type TBreakGlassRequest = z.infer<typeof ZBreakGlassRequest>;

/** The signed-in console: who, until when, and the token its changes carry as `X-CSRF-Token`. */
export const ZConsoleSession = z.object({
  actor: z.string(),
  expiresAt: z.iso.datetime(),
  csrfToken: z.string(),
});
export type TConsoleSession = z.infer<typeof ZConsoleSession>;

/** `GET /api/v1/session/desktop`: where the desktop console signs in through dex (the overlord's `--console-issuer`). */
export const ZDesktopSignIn = z.object({
  /** The worker's issuer, such as `https://dex.example.com/dex`. */
  issuer: z.string(),
  /** The desktop console's public client (`dex-console-desktop`). */
  clientId: z.string(),
});
export type TDesktopSignIn = z.infer<typeof ZDesktopSignIn>;

/** `POST /api/v1/session/desktop`: the ID token the console issuer gave the desktop client, for a session. */
export const ZDesktopSessionRequest = z.strictObject({
  idToken: z.string({ error: 'idToken is required' }).min(1, 'idToken is required').max(16_384, 'idToken is too long'),
});
export type TDesktopSessionRequest = z.infer<typeof ZDesktopSessionRequest>;

/**
 * The desktop console's session: the same session as the web console's, whose id a
 * non-browser client sends back itself as the `dex_console_session` cookie (with
 * `X-CSRF-Token` on changes). Kept by the desktop app's main process, encrypted at rest.
 */
export const ZDesktopSession = ZConsoleSession.extend({ sessionToken: z.string() });
export type TDesktopSession = z.infer<typeof ZDesktopSession>;
