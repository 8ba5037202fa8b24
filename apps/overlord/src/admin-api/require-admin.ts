import type { NextFunction, Request, Response } from 'express';
import type { PrismaDb } from '@dex/shared/db';
import { AUDIT_CLIENT_HEADER, labelledActor } from '@dex/shared/domain/audit';
import { findConsoleSession, isConsoleCsrfToken } from '@dex/shared/domain/console-sessions';
import { AppError } from '@dex/shared/errors';
import { requireAdminSecret } from './require-admin-secret.ts';

/** The console's session cookie: HttpOnly, SameSite=Strict, the overlord's whole origin. */
export const CONSOLE_SESSION_COOKIE = 'dex_console_session';

/** Who an admin API request acts as, for the audit log (`res.locals.actor`). */
export const ADMIN_SECRET_ACTOR = 'admin-api';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The value of one cookie of the request, or undefined. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at !== -1 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** The actor a guarded route acts as (set by `requireAdmin`). */
export function actorOf(res: Response): string {
  const actor: unknown = res.locals.actor;
  return typeof actor === 'string' ? actor : ADMIN_SECRET_ACTOR;
}

/**
 * Guards the admin API: the admin secret in `Authorization` (scripts: actor `admin-api`;
 * dexctl, which sends `X-Dex-Client: dexctl`: `dexctl (admin-api)`), or a console session cookie (actor: the session's admin). A change made with
 * the cookie must carry the session's `X-CSRF-Token`, so no other page can make one.
 */
export function requireAdmin(deps: { secret: string; prisma: PrismaDb }) {
  const bySecret = requireAdminSecret(deps.secret);
  return (req: Request, res: Response, next: NextFunction): void => {
    const sessionId = readCookie(req, CONSOLE_SESSION_COOKIE);
    if (req.get('authorization') !== undefined || sessionId === undefined || sessionId === '') {
      // A tool with the secret may name itself (`dexctl (admin-api)`): a label, not a credential.
      res.locals.actor = labelledActor({ label: req.get(AUDIT_CLIENT_HEADER), driver: 'admin-api', fallback: ADMIN_SECRET_ACTOR });
      bySecret(req, res, next);
      return;
    }
    findConsoleSession(deps.prisma, sessionId)
      .then((session) => {
        if (session === null) throw new AppError('UNAUTHORIZED', { message: 'the console session ended: sign in again' });
        if (!SAFE_METHODS.has(req.method) && !isConsoleCsrfToken(sessionId, req.get('x-csrf-token') ?? '')) {
          throw new AppError('FORBIDDEN', { message: 'missing or wrong X-CSRF-Token for this console session' });
        }
        res.locals.actor = session.actor;
        next();
      }, next)
      .catch(next);
  };
}
