import { z } from 'zod';

/** The console's sign-in: the overlord holds the session, the browser an HttpOnly cookie. */
export const CONSOLE_SESSION_API_PATHS = {
  session: '/api/v1/session',
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
