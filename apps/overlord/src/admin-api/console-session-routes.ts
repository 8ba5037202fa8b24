import express, { Router } from 'express';
import {
  CONSOLE_SESSION_API_PATHS,
  type TConsoleSession,
  type TDesktopSession,
  type TDesktopSignIn,
  ZBreakGlassRequest,
  ZDesktopSessionRequest,
} from '@dex/shared/admin-api';
import { safeEqual } from '@dex/shared/crypto';
import type { PrismaDb } from '@dex/shared/db';
import {
  BREAK_GLASS_ACTOR,
  CONSOLE_DESKTOP_CLIENT_ID,
  type ConsoleSessionView,
  deleteConsoleSession,
  findConsoleSession,
} from '@dex/shared/domain/console-sessions';
import { findUserById } from '@dex/shared/domain/users';
import { AppError } from '@dex/shared/errors';
import type { WorkerProvider } from '../console-sign-in/worker-provider.ts';
import { openConsoleSession, startConsoleSession } from './open-console-session.ts';
import { CONSOLE_SESSION_COOKIE, readCookie } from './require-admin.ts';
import { parseBody } from '@dex/shared/admin-api/requests';

/** How old an ID token the desktop app hands over may be: it exchanges it right after the sign-in. */
export const DESKTOP_ID_TOKEN_MAX_AGE_S = 5 * 60;

const bodyOf = (session: ConsoleSessionView): TConsoleSession => ({
  actor: session.actor,
  expiresAt: session.expiresAt.toISOString(),
  csrfToken: session.csrfToken,
});

/**
 * The console's session, held by the overlord (the browser keeps only an HttpOnly,
 * SameSite=Strict cookie):
 * - `POST /api/v1/session` `{secret}`: the break-glass sign-in, the admin API secret exchanged
 *   once for a session (actor `break-glass`); the secret is not kept anywhere in the browser;
 * - `GET /api/v1/session`: who is signed in and the CSRF token changes must carry (401 without a live session);
 * - `DELETE /api/v1/session`: sign out;
 * - `GET /api/v1/session/desktop`: where the desktop app signs in through dex (the console
 *   issuer and the `dex-console-desktop` client); 501 without `--console-issuer`;
 * - `POST /api/v1/session/desktop` `{idToken}`: the desktop app's sign-in through dex. Its main
 *   process ran the code flow with PKCE itself (RFC 8252 loopback redirect) and hands over the
 *   ID token the worker issued to `dex-console-desktop`; the overlord verifies it with the
 *   worker's JWKS (issuer, audience, expiry, at most {@link DESKTOP_ID_TOKEN_MAX_AGE_S} old),
 *   admits an admin who is not disabled, and answers the session's id as `sessionToken`: the
 *   same session as the web console's, sent back as its cookie with `X-CSRF-Token` on changes.
 * Mounted before the admin API's guard: these routes check the secret, the token or the cookie themselves.
 */
export function consoleSessionRoutes(deps: { prisma: PrismaDb; adminApiSecret: string; worker: WorkerProvider | null }): Router {
  const router = Router();
  const path = CONSOLE_SESSION_API_PATHS.session;
  const desktopPath = CONSOLE_SESSION_API_PATHS.desktopSession;

  const requireWorker = (): WorkerProvider => {
    if (deps.worker === null) {
      throw new AppError('NOT_IMPLEMENTED', {
        message: 'this overlord runs without --console-issuer, so it offers no sign-in through dex: use the admin API secret (break-glass)',
        expose: true,
      });
    }
    return deps.worker;
  };

  router.get(desktopPath, (_req, res) => {
    const body: TDesktopSignIn = { issuer: requireWorker().issuer, clientId: CONSOLE_DESKTOP_CLIENT_ID };
    res.set('Cache-Control', 'no-store').json(body);
  });

  router.post(desktopPath, express.json({ limit: '32kb' }), async (req, res) => {
    const worker = requireWorker();
    const { idToken } = parseBody(ZDesktopSessionRequest, req.body);
    const { userId } = await worker.verifyIdToken({
      idToken,
      audience: CONSOLE_DESKTOP_CLIENT_ID,
      maxAgeSeconds: DESKTOP_ID_TOKEN_MAX_AGE_S,
    });
    const user = await findUserById(deps.prisma, userId);
    if (user === null || !user.admin || user.disabled) {
      throw new AppError('FORBIDDEN', {
        message: `${user?.email ?? 'this account'} is not an admin of this dex (or is disabled), so it cannot use the console`,
      });
    }
    const { id, session } = await startConsoleSession({ prisma: deps.prisma, actor: user.email, userId: user.id, via: 'desktop' });
    const body: TDesktopSession = { ...bodyOf(session), sessionToken: id };
    res.status(201).set('Cache-Control', 'no-store').json(body);
  });

  router.post(path, express.json({ limit: '4kb' }), async (req, res) => {
    const { secret } = parseBody(ZBreakGlassRequest, req.body);
    if (!safeEqual(secret.trim(), deps.adminApiSecret)) throw new AppError('UNAUTHORIZED', { message: 'wrong admin API secret' });
    const session = await openConsoleSession(req, res, { prisma: deps.prisma, actor: BREAK_GLASS_ACTOR });
    res.status(201).set('Cache-Control', 'no-store').json(bodyOf(session));
  });

  router.get(path, async (req, res) => {
    const id = readCookie(req, CONSOLE_SESSION_COOKIE);
    const session = id === undefined || id === '' ? null : await findConsoleSession(deps.prisma, id);
    if (session === null) throw new AppError('UNAUTHORIZED', { message: 'not signed in' });
    res.set('Cache-Control', 'no-store').json(bodyOf(session));
  });

  router.delete(path, async (req, res) => {
    const id = readCookie(req, CONSOLE_SESSION_COOKIE);
    if (id !== undefined && id !== '') await deleteConsoleSession(deps.prisma, id);
    res.clearCookie(CONSOLE_SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/' });
    res.status(204).end();
  });
  return router;
}
