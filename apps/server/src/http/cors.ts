import type { ServerResponse } from 'node:http';
import type { WorkerRequest } from './request.ts';
import { sendEmpty } from './respond.ts';

/**
 * Which origins a route lets browsers read it from, besides `--allowed-origins`:
 * - `public`: the web origins of every client (discovery, JWKS, userinfo: nothing in them is
 *   a client's own, and a single-page app needs them before it holds anything);
 * - `client`: the web origins of the client the request names (`client_id`, or the Basic
 *   credentials), for the endpoints that take a client. Its preflight, which carries no
 *   client, is answered for any client's origin; the request itself only for its own.
 */
export type CorsMode = 'public' | 'client';

/** The web origins (scheme://host:port) of the clients' registered redirect URIs. */
export interface ClientOrigins {
  /** Whether `origin` is a web origin of the client `clientId`, or of any client when it is undefined. */
  has(origin: string, clientId?: string): Promise<boolean>;
}

const ALLOWED_HEADERS = 'Authorization, Content-Type';
/** What a browser app may read besides the CORS-safelisted headers: challenges and back-off. */
const EXPOSED_HEADERS = 'WWW-Authenticate, Retry-After';
/** How long a browser may keep a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/** Adds a field to `Vary` without dropping what is there. */
function varyOnOrigin(res: ServerResponse): void {
  const current = res.getHeader('Vary');
  if (current === undefined) res.setHeader('Vary', 'Origin');
  else if (!/\borigin\b/i.test(String(current))) res.setHeader('Vary', `${String(current)}, Origin`);
}

/**
 * Cross-origin resource sharing for the machine endpoints, applied by the router to the routes
 * that declare `cors`. An allowed origin is echoed in `Access-Control-Allow-Origin` (or `*`
 * when `--allowed-origins` is `*`); any other origin gets no CORS header at all, so the browser
 * refuses to hand the answer to its page. Credentials mode is never allowed: these endpoints
 * take `Authorization` headers or form fields, never cookies. Every answer of such a route
 * carries `Vary: Origin`, so a shared cache never serves one origin's answer to another.
 * @example const cors = new Cors({ allowedOrigins: ['https://app.example'], clients, clientOf });
 */
export class Cors {
  readonly #anyOrigin: boolean;
  readonly #origins: ReadonlySet<string>;
  readonly #clients: ClientOrigins;
  readonly #clientOf: (req: WorkerRequest) => string | undefined;

  constructor(options: {
    allowedOrigins: readonly string[];
    clients: ClientOrigins;
    /** The client a request names, without authenticating it. */
    clientOf: (req: WorkerRequest) => string | undefined;
  }) {
    this.#anyOrigin = options.allowedOrigins.includes('*');
    this.#origins = new Set(options.allowedOrigins);
    this.#clients = options.clients;
    this.#clientOf = options.clientOf;
  }

  /** `Access-Control-Allow-Origin` for this request, or null when its origin is not allowed. */
  async #allowOrigin(req: WorkerRequest, clientId: string | undefined): Promise<string | null> {
    const origin = req.header('origin');
    if (origin === undefined) return null;
    if (this.#anyOrigin) return '*';
    if (this.#origins.has(origin)) return origin;
    return (await this.#clients.has(origin, clientId)) ? origin : null;
  }

  /**
   * `OPTIONS` on a CORS route: 204 with `Allow`, and, for a preflight from an allowed origin
   * asking for a method the route serves, the methods, headers and how long to keep the answer.
   */
  async preflight(req: WorkerRequest, res: ServerResponse, methods: readonly string[]): Promise<void> {
    res.setHeader('Allow', methods.join(', '));
    varyOnOrigin(res);
    const requested = req.header('access-control-request-method');
    const allowOrigin = requested !== undefined && methods.includes(requested) ? await this.#allowOrigin(req, undefined) : null;
    if (allowOrigin !== null) {
      res.setHeader('Access-Control-Allow-Origin', allowOrigin);
      res.setHeader('Access-Control-Allow-Methods', methods.filter((m) => m !== 'OPTIONS').join(', '));
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_SECONDS);
    }
    sendEmpty(res, 204);
  }

  /** The CORS headers of an actual request's answer (set before the route writes it). */
  async decorate(req: WorkerRequest, res: ServerResponse, mode: CorsMode): Promise<void> {
    varyOnOrigin(res);
    if (req.header('origin') === undefined) return;
    const allowOrigin = await this.#allowOrigin(req, mode === 'client' ? (this.#clientOf(req) ?? '') : undefined);
    if (allowOrigin === null) return;
    res.setHeader('Access-Control-Allow-Origin', allowOrigin);
    res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
  }
}
