import type { ServerResponse } from 'node:http';
import type { ResponseWithLocals } from '@dex/shared/http';
import { PAGE_CSP } from '#pages/html.ts';

/** The response every route writes to: node's, with the request's id and logger in `locals`. */
export type WorkerResponse = ResponseWithLocals;

/**
 * Sends a JSON answer. By default no cache may keep it (RFC 6749 §5.1: token responses, and
 * everything else that carries or depends on a credential).
 * @example sendJson(res, 200, { active: false });
 */
export function sendJson(res: ServerResponse, status: number, body: unknown, cacheControl = 'no-store'): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Cache-Control', cacheControl);
  if (cacheControl === 'no-store') res.setHeader('Pragma', 'no-cache');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/**
 * What a browser must be told of every page and every redirect between pages: the strict
 * Content-Security-Policy (no scripts, no framing), and no `Referer` (the URLs of the login
 * pages carry session ids). Machine answers carry only `nosniff` (the router sets it).
 */
function setPageHeaders(res: ServerResponse, csp = PAGE_CSP): void {
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Content-Security-Policy', csp);
}

/**
 * Sends an HTML page. Pages that carry a code, a CSRF token or a form are never cached. A
 * page with an inline script names it in its own `csp` (see `pageCsp`).
 * @example sendHtml(res, 200, renderChooserPage(...));
 */
export function sendHtml(res: ServerResponse, status: number, page: string, options: { noStore?: boolean; csp?: string } = {}): void {
  setPageHeaders(res, options.csp);
  res.statusCode = status;
  if (options.noStore) res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(page));
  res.end(page);
}

/** Sends the browser elsewhere (302 Found). */
export function redirect(res: ServerResponse, location: string): void {
  setPageHeaders(res);
  res.statusCode = 302;
  res.setHeader('Location', location);
  res.setHeader('Content-Length', 0);
  res.end();
}

/** Sends an empty answer. */
export function sendEmpty(res: ServerResponse, status: number): void {
  res.statusCode = status;
  res.setHeader('Content-Length', 0);
  res.end();
}

export interface CookieOptions {
  /** The cookie's path: the issuer's, or a connector's below it. */
  path: string;
  secure: boolean;
  /** Lifetime; without it the cookie lasts the browser session. */
  maxAgeMs?: number;
}

/** Adds a `Set-Cookie` header to the ones already set. */
function appendSetCookie(res: ServerResponse, cookie: string): void {
  const existing = res.getHeader('Set-Cookie');
  res.setHeader('Set-Cookie', existing === undefined ? [cookie] : [...(Array.isArray(existing) ? existing : [String(existing)]), cookie]);
}

/**
 * Sets an HttpOnly, SameSite=Lax cookie (Secure on https issuers), percent-encoding the value.
 * @example setCookie(res, 'dex_session', value, { path: '/dex', secure: true, maxAgeMs: 86_400_000 });
 */
export function setCookie(res: ServerResponse, name: string, value: string, options: CookieOptions): void {
  let cookie = `${name}=${encodeURIComponent(value)}; Path=${options.path}`;
  if (options.maxAgeMs !== undefined) {
    cookie += `; Max-Age=${Math.floor(options.maxAgeMs / 1000)}; Expires=${new Date(Date.now() + options.maxAgeMs).toUTCString()}`;
  }
  cookie += `; HttpOnly${options.secure ? '; Secure' : ''}; SameSite=Lax`;
  appendSetCookie(res, cookie);
}

/** Deletes a cookie set with the same name and path. */
export function clearCookie(res: ServerResponse, name: string, options: Omit<CookieOptions, 'maxAgeMs'>): void {
  appendSetCookie(
    res,
    `${name}=; Path=${options.path}; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly${options.secure ? '; Secure' : ''}; SameSite=Lax`,
  );
}
