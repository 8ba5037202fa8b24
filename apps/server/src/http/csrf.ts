import type { ServerResponse } from 'node:http';
import { randomToken, safeEqual } from '@dex/shared/crypto';
import { param } from './params.ts';
import type { WorkerRequest } from './request.ts';
import { setCookie } from './respond.ts';

const COOKIE = 'dex_csrf';
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface CsrfOptions {
  /** Cookie path: the issuer path, so the cookie never leaks to other apps on the host. */
  path: string;
  secure: boolean;
}

/**
 * Double-submit CSRF protection for the worker's forms: a random token lives in an HttpOnly,
 * SameSite=Lax cookie and in a hidden form field; a POST must carry both, equal.
 * Returns the token to embed in the form.
 */
export function issueCsrfToken(req: WorkerRequest, res: ServerResponse, options: CsrfOptions): string {
  const existing = req.cookie(COOKIE);
  if (existing !== undefined && TOKEN.test(existing)) return existing;
  const token = randomToken(32);
  setCookie(res, COOKIE, token, options);
  return token;
}

/** Whether a form POST carries the same token as its cookie (compared in constant time). */
export function hasValidCsrfToken(req: WorkerRequest): boolean {
  const cookie = req.cookie(COOKIE);
  const field = param(req.form, 'csrf_token');
  return cookie !== undefined && field !== undefined && cookie !== '' && safeEqual(cookie, field);
}
