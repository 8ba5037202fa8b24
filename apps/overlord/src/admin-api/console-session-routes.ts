import express, { Router } from 'express';
import { CONSOLE_SESSION_API_PATHS, type TConsoleSession, ZBreakGlassRequest } from '@dex/shared/admin-api';
import { safeEqual } from '@dex/shared/crypto';
import type { PrismaDb } from '@dex/shared/db';
import { BREAK_GLASS_ACTOR, type ConsoleSessionView, deleteConsoleSession, findConsoleSession } from '@dex/shared/domain/console-sessions';
import { AppError } from '@dex/shared/errors';
import { openConsoleSession } from './open-console-session.ts';
import { CONSOLE_SESSION_COOKIE, readCookie } from './require-admin.ts';
import { parseBody } from '@dex/shared/admin-api/requests';

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
 * - `DELETE /api/v1/session`: sign out.
 * Mounted before the admin API's guard: these routes check the secret or the cookie themselves.
 */
export function consoleSessionRoutes(deps: { prisma: PrismaDb; adminApiSecret: string }): Router {
  const router = Router();
  const path = CONSOLE_SESSION_API_PATHS.session;

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
