import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { ServerTimeouts } from '@dex/shared/config';
import { OAuthError } from '@dex/shared/errors';
import { locals, type ResponseWithLocals, trackRequest } from '@dex/shared/http';
import type { Logger } from '@dex/shared/logging';
import { BODY_LIMITS, type BodyKind, bodyKindOf, readBody } from './body.ts';
import type { Cors, CorsMode } from './cors.ts';
import type { WorkerMetrics } from './metrics.ts';
import type { Params } from './params.ts';
import { type Challenge, errorPageFor, markUnavailable, sendOAuthError, toOAuthError } from './render-error.ts';
import { type ClientAddressOf, WorkerRequest } from './request.ts';
import type { WorkerResponse } from './respond.ts';

/**
 * One entry of the worker's route table: the methods it serves, how its failures are
 * rendered (`json`: RFC 6749 §5.2 for machine endpoints; `html`: the error page, for what a
 * browser shows), and the body it reads. The handler throws whatever goes wrong; the router
 * renders it.
 */
export interface Route {
  readonly methods: readonly string[];
  readonly errors: 'json' | 'html';
  /** The authentication of a JSON route, whose challenge its errors carry. */
  readonly challenge?: Challenge;
  /** The body the route reads (on methods other than GET and HEAD), when its `Content-Type` declares it. */
  readonly body?: BodyKind;
  /** Whether the route refuses a request without that body (`invalid_request`). */
  readonly bodyRequired?: boolean;
  /** Whether browsers may call it from other origins, and which (see `CorsMode`); it then also serves `OPTIONS`. */
  readonly cors?: CorsMode;
  handle(req: WorkerRequest, res: WorkerResponse): Promise<void> | void;
}

/**
 * What the client-authenticated endpoints of RFC 6749 and its extensions share (token,
 * revocation, introspection): POST of a form that must be there, JSON errors, and the `Basic`
 * challenge with `invalid_client`.
 * @example return { ...CLIENT_FORM_ENDPOINT, handle };
 */
export const CLIENT_FORM_ENDPOINT = {
  methods: ['POST'],
  errors: 'json',
  challenge: 'basic',
  body: 'form',
  bodyRequired: true,
  cors: 'client',
} as const satisfies Omit<Route, 'handle'>;

/**
 * The route table: paths below the issuer path. Paths match exactly (case-sensitive, as
 * sent, no trailing slash tolerated); a path ending in `/*` serves every longer path under
 * it, the rest of which the handler finds in `req.subpath`.
 */
export type RouteTable = ReadonlyMap<string, Route>;

/** What the router answers itself: the error page of an HTML route or an unknown path. */
export type ShowErrorPage = (res: ServerResponse, page: { status: number; title: string; message: string }) => void;

const MEDIA_TYPE: Readonly<Record<BodyKind, string>> = { form: 'application/x-www-form-urlencoded', json: 'application/json' };
const HEADERS_WITHOUT_BODY = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The path and query of a request target: origin-form (`/dex/token?x`) or the absolute-form a
 * proxy may send (`http://host/dex/token`, which RFC 9112 §3.2.2 has servers accept); null for
 * anything else (`*`, authority-form).
 */
function splitTarget(target: string): { path: string; query: string } | null {
  if (!target.startsWith('/')) {
    if (!URL.canParse(target)) return null;
    const url = new URL(target);
    return { path: url.pathname, query: url.search.slice(1) };
  }
  const mark = target.indexOf('?');
  return mark === -1 ? { path: target, query: '' } : { path: target.slice(0, mark), query: target.slice(mark + 1) };
}

/**
 * The methods a route answers, for `Allow`: HEAD wherever GET is (RFC 9110 §9.3.2), right
 * after it, and OPTIONS last where CORS is on (its preflight).
 */
function allowed(route: Route): string[] {
  const methods =
    !route.methods.includes('GET') || route.methods.includes('HEAD')
      ? [...route.methods]
      : route.methods.flatMap((method) => (method === 'GET' ? ['GET', 'HEAD'] : [method]));
  return route.cors === undefined ? methods : [...methods, 'OPTIONS'];
}

/** `A`, `A or B`, `A, B or C`. */
function either(methods: readonly string[]): string {
  return methods.length < 2 ? methods.join('') : `${methods.slice(0, -1).join(', ')} or ${methods.at(-1)}`;
}

interface Match {
  /** The route's pattern, the metrics label (never the raw path: ids would explode the label set). */
  pattern: string;
  route: Route;
  subpath: string;
}

/**
 * The worker's request listener: one route table for every endpoint, pages and machine
 * endpoints alike, one path rule (see `RouteTable`), one body reader with one set of limits
 * (`BODY_LIMITS`), `405` with `Allow` for a method a route does not serve, and one place where
 * failures are rendered: JSON routes as OAuth errors, HTML routes and unknown paths as the
 * error page. Every answer carries the request id, the security headers and the metrics.
 * @example listenOn({ listen, handler: createRouter({ issuerPath: '/dex', routes, logger, metrics, showErrorPage }) });
 */
export function createRouter(options: {
  issuerPath: string;
  routes: RouteTable;
  logger: Logger;
  metrics: WorkerMetrics;
  showErrorPage: ShowErrorPage;
  /** The body must arrive within the request timeout less the header timeout (at least 1 s) after the headers. */
  timeouts: Readonly<ServerTimeouts>;
  /** CORS for the routes that declare it. */
  cors: Cors;
  /** The client address of a request (default: the socket's; see `--trusted-proxies`). */
  clientAddress?: ClientAddressOf;
}): RequestListener {
  const { logger, metrics, showErrorPage, cors } = options;
  const bodyDeadlineMs = Math.max(1_000, options.timeouts.requestTimeoutMs - options.timeouts.headerTimeoutMs);
  const exact = new Map<string, Match>();
  const prefixes: { prefix: string; pattern: string; route: Route }[] = [];
  for (const [path, route] of options.routes) {
    const pattern = `${options.issuerPath}${path}`;
    if (path.endsWith('/*')) prefixes.push({ prefix: pattern.slice(0, -1), pattern, route });
    else exact.set(pattern, { pattern, route, subpath: '' });
  }
  const match = (path: string): Match | undefined => {
    const found = exact.get(path);
    if (found !== undefined) return found;
    for (const { prefix, pattern, route } of prefixes) {
      if (path.length > prefix.length && path.startsWith(prefix)) return { pattern, route, subpath: path.slice(prefix.length) };
    }
    return undefined;
  };

  const fail = (route: Route | undefined, res: WorkerResponse, error: unknown): void => {
    const oauthError = toOAuthError(error, locals(res).log);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // The rest of a body that came too slowly is not waited for.
    if (oauthError.status === 408) res.setHeader('Connection', 'close');
    if (route?.errors === 'json') sendOAuthError(res, oauthError, route.challenge);
    else {
      markUnavailable(res, oauthError.status);
      showErrorPage(res, errorPageFor(oauthError));
    }
  };

  const serve = async (req: IncomingMessage, res: WorkerResponse, found: Match, target: { path: string; query: string }) => {
    const { route } = found;
    const method = req.method ?? 'GET';
    const request = new WorkerRequest(req, target.path, target.query, options.clientAddress);
    request.subpath = found.subpath;
    if (method === 'OPTIONS' && route.cors !== undefined) {
      await cors.preflight(request, res, allowed(route));
      return;
    }
    if (!route.methods.includes(method) && !(method === 'HEAD' && route.methods.includes('GET'))) {
      const methods = allowed(route);
      res.setHeader('Allow', methods.join(', '));
      throw new OAuthError('invalid_request', `method ${method} is not allowed here; use ${either(methods)}`, { status: 405 });
    }
    if (route.body !== undefined && !HEADERS_WITHOUT_BODY.has(method)) {
      if (bodyKindOf(req.headers['content-type']) === route.body) {
        const body = await readBody(req, route.body, BODY_LIMITS, bodyDeadlineMs);
        if (route.body === 'form') request.form = body as Params;
        else request.json = body;
        request.hasBody = true;
      } else if (route.bodyRequired) {
        throw new OAuthError('invalid_request', `the request body must be ${MEDIA_TYPE[route.body]}`);
      }
    }
    // After the body: a `client` route's origins are those of the client the body names.
    if (route.cors !== undefined) await cors.decorate(request, res, route.cors);
    await route.handle(request, res);
  };

  return (req, res) => {
    const target = splitTarget(req.url ?? '/');
    const found = target === null ? undefined : match(target.path);
    const response = Object.assign(res, { locals: {} }) as ResponseWithLocals;
    // Every answer carries nosniff (pages add theirs, see respond.ts) and is counted by route
    // pattern, never by raw path (ids would explode the label set).
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const pattern = found?.pattern ?? 'unmatched';
    trackRequest(logger, req, response, target?.path ?? '', (status, seconds) => {
      metrics.observeRequest(req.method ?? '', pattern, status, seconds);
    });
    if (target === null || found === undefined) {
      const status = target === null ? 400 : 404;
      showErrorPage(res, {
        status,
        title: status === 404 ? 'Not found' : 'Invalid request',
        message: status === 404 ? 'There is no such page.' : 'The request target is not a path.',
      });
      return;
    }
    serve(req, response, found, target).catch((error: unknown) => fail(found.route, response, error));
  };
}
