import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findUp } from '@dex/shared/process';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';

/** Where the console renderer is served on the admin listen address. */
export const CONSOLE_PATH = '/console';

/**
 * Where `npm run build:renderer --workspace @dex/console` puts the renderer in this
 * repository; `--console-dir` points elsewhere in other layouts.
 */
export const DEFAULT_CONSOLE_DIR = join(
  findUp(import.meta.url, 'console/package.json') ?? resolve(fileURLToPath(new URL('../../..', import.meta.url))),
  'console/dist/renderer',
);

/**
 * The page may load only its own scripts, styles and images and talk only to its own origin
 * (the admin API next to it); nothing may frame it.
 */
const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dex console not built</title></head>
<body><h1>The dex console is not built</h1>
<p>Build it with <code>npm run build --workspace @dex/console</code> and reload, or start the overlord with
<code>--console-dir</code> pointing at a built console renderer.</p></body></html>
`;

function setPageHeaders(res: Response): void {
  res.set({
    'Content-Security-Policy': CONSOLE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
}

export interface ConsoleSiteOptions {
  /** The built renderer (its `index.html` and `assets/`). */
  dir: string;
}

/**
 * Serves the console renderer at `/console/` for admins who do not install the desktop app.
 * The files are public (the page asks for the admin secret and keeps it in the tab's session);
 * every answer carries a strict CSP. Hashed files under `assets/` are cached for a year,
 * `index.html` is revalidated, and any other GET under `/console/` answers with `index.html`
 * so a reload on a screen works. Without a build, `/console/` explains how to make one (404).
 * @example app.use(consoleSite({ dir: DEFAULT_CONSOLE_DIR }));
 */
export function consoleSite(options: ConsoleSiteOptions): Router {
  const dir = resolve(options.dir);
  const index = join(dir, 'index.html');
  const router = express.Router({ strict: true, caseSensitive: true });

  router.use(CONSOLE_PATH, (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.set('Allow', 'GET, HEAD').status(405).type('text/plain').send('method not allowed\n');
      return;
    }
    setPageHeaders(res);
    // `/console` itself: relative asset URLs need the trailing slash.
    if (req.originalUrl === CONSOLE_PATH || req.originalUrl.startsWith(`${CONSOLE_PATH}?`)) {
      res.redirect(301, `${CONSOLE_PATH}/`);
      return;
    }
    if (!existsSync(index)) {
      res.status(404).type('html').set('Cache-Control', 'no-store').send(NOT_BUILT_PAGE);
      return;
    }
    next();
  });
  router.use(
    CONSOLE_PATH,
    express.static(dir, {
      index: 'index.html',
      redirect: false,
      dotfiles: 'ignore',
      fallthrough: true,
      setHeaders: (res, path) => {
        const isHashedAsset = path.startsWith(join(dir, 'assets'));
        res.setHeader('Cache-Control', isHashedAsset ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  // A screen's URL reloaded, or a missing asset: the app for pages, a 404 for files.
  router.use(CONSOLE_PATH, (req: Request, res: Response) => {
    if (req.path.startsWith('/assets/') || /\.[a-z0-9]+$/i.test(req.path)) {
      res.status(404).type('text/plain').send('not found\n');
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(index);
  });
  return router;
}
