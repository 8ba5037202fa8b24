import type { Request, Response } from 'express';
import { randomToken, safeEqual } from '@dex/shared/crypto';
import { readCookie } from './cookies.ts';

const COOKIE = 'dex_csrf';

export interface CsrfOptions {
  /** Cookie path: the issuer path, so the cookie never leaks to other apps on the host. */
  path: string;
  secure: boolean;
}

/**
 * Double-submit CSRF protection for the login forms: a random token lives in an HttpOnly,
 * SameSite=Lax cookie and in a hidden form field; a POST must carry both, equal.
 * Returns the token to embed in the form.
 */
export function issueCsrfToken(req: Request, res: Response, options: CsrfOptions): string {
  const existing = readCookie(req, COOKIE);
  if (existing !== undefined && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomToken(32);
  res.cookie(COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: options.secure, path: options.path });
  return token;
}

/** Whether a form POST carries the same token as its cookie (compared in constant time). */
export function hasValidCsrfToken(req: Request): boolean {
  const cookie = readCookie(req, COOKIE);
  const field = typeof req.body?.csrf_token === 'string' ? (req.body.csrf_token as string) : undefined;
  return cookie !== undefined && field !== undefined && cookie !== '' && safeEqual(cookie, field);
}
