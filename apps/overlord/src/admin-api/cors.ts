import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** What a console may send. The admin secret travels in `Authorization`, never in cookies. */
const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE';
const ALLOWED_HEADERS = 'Authorization, Content-Type';
/** Headers a console may read besides the CORS-safelisted ones (`POST /api/v1/users` answers with one). */
const EXPOSED_HEADERS = 'Location';
/** How long a browser may cache a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/**
 * Validates the allowed origins: each must be a bare origin (`https://console.example.com`,
 * `http://127.0.0.1:5173`), exactly as browsers send it in `Origin`. No `*`, no paths.
 */
function checkOrigins(origins: readonly string[]): Set<string> {
  origins.forEach((origin, index) => {
    let normalized: string | undefined;
    try {
      normalized = new URL(origin).origin;
    } catch {
      normalized = undefined;
    }
    if (normalized !== origin) {
      throw new TypeError(`consoleOrigins[${index}] must be an origin such as https://console.example.com (scheme, host and port only)`);
    }
  });
  return new Set(origins);
}

/**
 * CORS for browser consoles. With no origins it does nothing (the default: the admin API is
 * for servers and dexctl). Otherwise a request whose `Origin` is exactly one of `origins`
 * gets `Access-Control-Allow-Origin` echoing it, and its preflight is answered here with 204
 * (before the admin secret check, since browsers send preflights without credentials). Other
 * origins get no CORS headers, so browsers refuse them. Credentials mode is never allowed.
 * @example app.use(corsFor(['https://console.example.com']));
 */
export function corsFor(origins: readonly string[]): RequestHandler {
  const allowed = checkOrigins(origins);
  return (req: Request, res: Response, next: NextFunction): void => {
    if (allowed.size === 0) {
      next();
      return;
    }
    // The answer depends on Origin, so caches must key on it, allowed or not.
    res.vary('Origin');
    const origin = req.get('origin');
    if (origin === undefined || !allowed.has(origin)) {
      next();
      return;
    }
    res.set('Access-Control-Allow-Origin', origin);
    if (req.method === 'OPTIONS' && req.get('access-control-request-method') !== undefined) {
      res.set({
        'Access-Control-Allow-Methods': ALLOWED_METHODS,
        'Access-Control-Allow-Headers': ALLOWED_HEADERS,
        'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_SECONDS,
      });
      res.status(204).end();
      return;
    }
    res.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    next();
  };
}
