import type { Request, Response } from 'express';
import { readCookie } from './cookies.ts';

const COOKIE = 'dex_session';

export interface SessionCookieOptions {
  /** The issuer path, so the cookie goes only to this provider's routes. */
  path: string;
  secure: boolean;
}

/** The single sign-on cookie of a request, if it looks like one of ours. */
export function readSessionCookie(req: Request): string | undefined {
  const value = readCookie(req, COOKIE);
  return value !== undefined && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}

/** Sets the single sign-on cookie: HttpOnly, SameSite=Lax, Secure on https issuers. */
export function setSessionCookie(res: Response, value: string, maxAgeMs: number, options: SessionCookieOptions): void {
  res.cookie(COOKIE, value, { httpOnly: true, sameSite: 'lax', secure: options.secure, path: options.path, maxAge: maxAgeMs });
}

export function clearSessionCookie(res: Response, options: SessionCookieOptions): void {
  res.clearCookie(COOKIE, { httpOnly: true, sameSite: 'lax', secure: options.secure, path: options.path });
}
