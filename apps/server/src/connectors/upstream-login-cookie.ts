import type { ServerResponse } from 'node:http';
import { sha256Hex } from '@dex/shared/crypto';
import type { WorkerRequest } from '#http/request.ts';
import { clearCookie, setCookie } from '#http/respond.ts';
import { type Freshness, parseFreshness } from './upstream-freshness.ts';

/**
 * The browser's half of an upstream login: the PKCE verifier and the nonce dex sent
 * upstream, and the client's freshness requirement with its signature (see
 * `upstream-freshness.ts`; the callback checks it again), kept until the callback in an HttpOnly, SameSite=Lax cookie scoped to the
 * connector's path (`<issuerPath>/auth/<id>/`). The cookie is named after the upstream
 * `state` (the authorization session id), so it binds the callback to the browser that
 * started the login (no login CSRF, no code injection) and two logins in two tabs do not
 * overwrite each other.
 */
export interface UpstreamLoginSecrets {
  codeVerifier: string;
  nonce: string;
  freshness: Freshness;
  /** `FreshnessSigner.sign(state, freshness)`. */
  signature: string;
}

export interface UpstreamLoginCookieOptions {
  /** The connector's path, with a trailing slash. */
  path: string;
  secure: boolean;
}

const PREFIX = 'dex_upstream_';
const TOKEN = /^[A-Za-z0-9_-]{43,128}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

const cookieName = (state: string) => `${PREFIX}${sha256Hex(state).slice(0, 16)}`;

/** Stores the secrets of the login whose upstream `state` is `state`, for `maxAgeMs`. */
export function setUpstreamLoginCookie(
  res: ServerResponse,
  state: string,
  secrets: UpstreamLoginSecrets,
  options: UpstreamLoginCookieOptions & { maxAgeMs: number },
): void {
  setCookie(res, cookieName(state), `${secrets.codeVerifier}.${secrets.nonce}.${secrets.freshness}.${secrets.signature}`, {
    secure: options.secure,
    path: options.path,
    maxAgeMs: Math.max(1_000, options.maxAgeMs),
  });
}

/** The secrets stored for `state` in this browser, or null. */
export function readUpstreamLoginCookie(req: WorkerRequest, state: string): UpstreamLoginSecrets | null {
  const [codeVerifier = '', nonce = '', rawFreshness, signature = '', ...rest] = (req.cookie(cookieName(state)) ?? '').split('.');
  const freshness = parseFreshness(rawFreshness);
  if (rest.length > 0 || !TOKEN.test(codeVerifier) || !TOKEN.test(nonce) || freshness === null || !SIGNATURE.test(signature)) return null;
  return { codeVerifier, nonce, freshness, signature };
}

/** Deletes the cookie: each upstream login is answered once. */
export function clearUpstreamLoginCookie(res: ServerResponse, state: string, options: UpstreamLoginCookieOptions): void {
  clearCookie(res, cookieName(state), options);
}
