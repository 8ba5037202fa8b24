import { createHash } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { locals, type ResponseWithLocals, trackRequest } from '@dex/shared/http';
import type { Logger } from '@dex/shared/logging';
import { PAGE_CSP } from '#pages/html.ts';
import type { WorkerMetrics } from './metrics.ts';

/** A handler the front serves itself, outside Express. It answers every failure itself. */
export type FrontHandler = (req: IncomingMessage, res: ResponseWithLocals) => Promise<void>;

/**
 * The headers every answer of the worker carries (pages, JSON and errors alike), and the
 * request counter and latency histogram, labelled by the matched route pattern (never the raw
 * path, which would carry ids and explode the label set), resolved when the answer is sent.
 * @example observeRequest(req, res, metrics, () => '/dex/token');
 */
export function observeRequest(req: IncomingMessage, res: ServerResponse, metrics: WorkerMetrics, route: () => string): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Content-Security-Policy', PAGE_CSP);
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const label = route();
    metrics.requests.inc({ method: req.method ?? '', route: label, status: String(res.statusCode) });
    metrics.latency.observe({ route: label }, Number(process.hrtime.bigint() - started) / 1e9);
  });
}

/** A JSON document and how long caches may keep it. */
export interface JsonDocument {
  body: string;
  cacheControl: string;
}

/** Whether an `If-None-Match` value names `etag` (RFC 9110 §13.1.2: weak comparison, or `*`). */
function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/**
 * Serves a public JSON document (discovery, JWKS) for GET and HEAD: with `Cache-Control`, a
 * strong ETag (SHA-256 of the body, computed once per body) and `304 Not Modified` for a
 * matching `If-None-Match`; any other method is 405 with `Allow: GET, HEAD`. A failure to get
 * the document goes to `onError`, which answers it.
 * @example routes.set('/dex/keys', jsonDocumentHandler(async () => ({ body, cacheControl }), onError));
 */
export function jsonDocumentHandler(
  get: () => JsonDocument | Promise<JsonDocument>,
  onError: (error: unknown, res: ResponseWithLocals) => void,
): FrontHandler {
  let tagged: { body: string; etag: string } | undefined;
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.statusCode = 405;
      res.setHeader('Allow', 'GET, HEAD');
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.end(JSON.stringify({ error: 'invalid_request', error_description: 'use GET or HEAD' }));
      return;
    }
    let document: JsonDocument;
    try {
      document = await get();
    } catch (error) {
      onError(error, res);
      return;
    }
    if (tagged?.body !== document.body) {
      tagged = { body: document.body, etag: `"${createHash('sha256').update(document.body).digest('base64url')}"` };
    }
    res.setHeader('Cache-Control', document.cacheControl);
    res.setHeader('ETag', tagged.etag);
    if (matchesEtag(req.headers['if-none-match'], tagged.etag)) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(document.body));
    res.end(req.method === 'HEAD' ? undefined : document.body);
  };
}

/**
 * The path of a request target without its query: origin-form (`/dex/token?x`) or the
 * absolute-form a proxy may send (`http://host/dex/token`, which RFC 9112 §3.2.2 has servers
 * accept); undefined for anything else (`*`, authority-form), which Express then answers.
 */
function requestPath(target: string): string | undefined {
  if (target.startsWith('/')) {
    const query = target.indexOf('?');
    return query === -1 ? target : target.slice(0, query);
  }
  return URL.canParse(target) ? new URL(target).pathname : undefined;
}

/**
 * The worker's request listener. The token endpoint answers every grant and refresh of every
 * client, and discovery and JWKS every relying party's start and key refresh; Express's
 * router, body parser and response helpers cost about as much main-thread time as a refresh
 * grant itself. So the exact paths in `routes` (with any query) go to plain handlers here,
 * with the same request id, request line, headers and metrics as the app's routes, and
 * everything else to the Express app.
 * @example listenOn({ listen, handler: createWorkerFront({ app, logger, metrics, routes }) });
 */
export function createWorkerFront(options: {
  app: RequestListener;
  logger: Logger;
  metrics: WorkerMetrics;
  routes: ReadonlyMap<string, FrontHandler>;
}): RequestListener {
  const { app, logger, metrics, routes } = options;
  return (req, res) => {
    const path = requestPath(req.url ?? '/');
    const handler = path === undefined ? undefined : routes.get(path);
    if (path === undefined || handler === undefined) {
      app(req, res);
      return;
    }
    const response = Object.assign(res, { locals: {} });
    trackRequest(logger, req, response, path);
    observeRequest(req, res, metrics, () => path);
    handler(req, response).catch((error: unknown) => {
      // Handlers answer their own failures; this is the last resort for a bug in one.
      locals(response).log.error({ err: error }, 'unhandled error in a front handler');
      if (res.headersSent) res.destroy();
      else {
        res.statusCode = 500;
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.end(JSON.stringify({ error: 'server_error', error_description: 'internal server error' }));
      }
    });
  };
}
