import type { Request, Response } from 'express';
import type { PrismaDb } from '@dex/shared/db';
import { recordAuditEvent } from '@dex/shared/domain/audit';
import { type ConsoleSessionView, createConsoleSession } from '@dex/shared/domain/console-sessions';
import { CONSOLE_SESSION_COOKIE } from './require-admin.ts';

/**
 * Opens a console session for an admin (`actor`: the admin's email, or `break-glass`) and
 * sets its cookie: HttpOnly (never readable by scripts), SameSite=Strict (never sent by
 * another site), the overlord's whole origin, Secure over https. Records `console.sign-in` in
 * the audit log. Both sign-ins (through dex, and break-glass) end here.
 * @example const session = await openConsoleSession(req, res, { prisma, actor: user.email, userId: user.id });
 */
export async function openConsoleSession(
  req: Request,
  res: Response,
  options: { prisma: PrismaDb; actor: string; userId?: string },
): Promise<ConsoleSessionView> {
  const { id, session } = await startConsoleSession(options);
  res.cookie(CONSOLE_SESSION_COOKIE, id, {
    httpOnly: true,
    sameSite: 'strict',
    secure: req.protocol === 'https',
    path: '/',
    maxAge: session.expiresAt.getTime() - Date.now(),
  });
  return session;
}

/**
 * Opens a console session and records `console.sign-in` (with `via` in the audit entry's
 * `after` when not the browser), without setting a cookie: for the desktop app, whose main
 * process keeps the session id itself and sends it back as the cookie.
 * @example const { id, session } = await startConsoleSession({ prisma, actor: user.email, userId: user.id, via: 'desktop' });
 */
export async function startConsoleSession(options: {
  prisma: PrismaDb;
  actor: string;
  userId?: string;
  via?: 'desktop';
}): Promise<{ id: string; session: ConsoleSessionView }> {
  const opened = await createConsoleSession(options.prisma, {
    actor: options.actor,
    ...(options.userId === undefined ? {} : { userId: options.userId }),
  });
  await recordAuditEvent(options.prisma, {
    actor: options.actor,
    action: 'console.sign-in',
    targetType: 'console-session',
    targetId: options.userId ?? options.actor,
    ...(options.via === undefined ? {} : { after: { via: options.via } }),
  });
  return opened;
}
