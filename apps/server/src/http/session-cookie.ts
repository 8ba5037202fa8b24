import type { ServerResponse } from 'node:http';
import type { WorkerRequest } from './request.ts';
import { clearCookie, setCookie } from './respond.ts';

const COOKIE = 'dex_session';

export interface SessionCookieOptions {
  /** The issuer path, so the cookie goes only to this provider's routes. */
  path: string;
  secure: boolean;
}

/** The single sign-on cookie of a request, if it looks like one of ours. */
export function readSessionCookie(req: WorkerRequest): string | undefined {
  const value = req.cookie(COOKIE);
  return value !== undefined && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}

/** Sets the single sign-on cookie: HttpOnly, SameSite=Lax, Secure on https issuers. */
export function setSessionCookie(res: ServerResponse, value: string, maxAgeMs: number, options: SessionCookieOptions): void {
  setCookie(res, COOKIE, value, { ...options, maxAgeMs });
}

export function clearSessionCookie(res: ServerResponse, options: SessionCookieOptions): void {
  clearCookie(res, COOKIE, options);
}
