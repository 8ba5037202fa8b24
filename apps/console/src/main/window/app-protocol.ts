import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { isAppUrl } from './navigation-rules.ts';

/**
 * The Content Security Policy of every page the console window shows. Scripts, styles, fonts
 * and images come only from the app itself (no inline script, no eval); the renderer has no
 * network of its own (it reaches overlords through the IPC bridge), embeds nothing and cannot
 * be framed. `'self'` is `app://console`, a standard, secure scheme.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Content types of what a Vite build emits. Anything else is not served. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-cache',
};

export interface AppProtocolHandlerOptions {
  /** The renderer's build output (`dist/renderer`). */
  root: string;
}

/**
 * Serves the renderer's files on `app://console/`: GET and HEAD only, files under `root` only
 * (no `..`, no encoded separators, no other host), a known content type, and the
 * {@link CONSOLE_CSP} with the other security headers on every answer. `/` is `index.html`;
 * the renderer routes with the hash, so no other fallback is needed.
 * @example protocol.handle(APP_SCHEME, createAppProtocolHandler({ root: rendererDirectory }));
 */
export function createAppProtocolHandler(options: AppProtocolHandlerOptions): (request: Request) => Promise<Response> {
  const root = resolve(options.root);

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return answer(405, 'method not allowed');
    const file = resolveAppFile(root, request.url);
    if (file === null) return answer(404, 'not found');
    const contentType = CONTENT_TYPES[extname(file).toLowerCase()];
    if (contentType === undefined) return answer(404, 'not found');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return answer(404, 'not found');
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: { ...SECURITY_HEADERS, 'content-type': contentType, 'content-length': String(body.length) },
    });
  };
}

/**
 * The file an app URL names under `root`, or null when it is not an app URL or would leave
 * `root`.
 * @example resolveAppFile('/opt/console/renderer', 'app://console/assets/index.js') // '/opt/console/renderer/assets/index.js'
 */
export function resolveAppFile(root: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (!isAppUrl(url)) return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\') || path.split('/').includes('..')) return null;
  const relative = path === '/' || path === '' ? 'index.html' : path.replace(/^\/+/, '');
  const file = resolve(root, relative);
  return file.startsWith(`${root}${sep}`) ? file : null;
}

function answer(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' } });
}
