import type { WorkerRequest } from '#http/request.ts';
import { sendEmpty, sendJson, type WorkerResponse } from '#http/respond.ts';
import type { Route } from '#http/router.ts';
import { type ApiCaller, type ApiCallerDeps, authenticateApiCaller, requireAdmin } from './api-caller.ts';
import { ApiError, sendApiError, toApiError } from './api-error.ts';

/** What an endpoint of the worker API gets: the request, its authenticated caller and the path's `:name` values. */
export interface ApiCall {
  req: WorkerRequest;
  caller: ApiCaller;
  params: Readonly<Record<string, string>>;
}

/** An endpoint's answer: a status and a JSON body (none for 204), plus an optional `Location`. */
export interface ApiAnswer {
  status: number;
  body?: unknown;
  location?: string;
}

/**
 * One endpoint: a method and a path below `<issuer>/api/v1/` whose `:name` segments are
 * parameters. `authorize` throws when the caller may not call it; without it, only admins
 * may ({@link requireAdmin}).
 */
export interface ApiEndpoint {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  authorize?(caller: ApiCaller, params: Readonly<Record<string, string>>): void;
  handle(call: ApiCall): Promise<ApiAnswer>;
}

/** The `:name` values of `pattern` in `segments` (each percent-decoded), or null when it does not match. */
function matchPath(pattern: readonly string[], segments: readonly string[]): Record<string, string> | null {
  if (pattern.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    const segment = segments[index] ?? '';
    if (part.startsWith(':')) {
      if (segment === '') return null;
      params[part.slice(1)] = segment;
    } else if (part !== segment) return null;
  }
  return params;
}

function decodeSegments(subpath: string): string[] {
  try {
    return subpath.split('/').map((segment) => decodeURIComponent(segment));
  } catch {
    throw new ApiError('bad_request', 400, 'the path is not valid percent-encoding');
  }
}

/**
 * `<issuer>/api/v1/*`: the worker API v1 (dex v0 §2.14, with its quirks fixed), for admin
 * clients, the admins who use them, and users on their own account, through one route of the
 * router. Every request needs a Bearer token (see `authenticateApiCaller`); errors are
 * `{"error", "error_description"}` in v0's catalogue. Paths match exactly, as everywhere.
 * @example routes.set('/api/v1/*', workerApiRoute(deps, [...clientEndpoints(deps), ...userEndpoints(deps)]));
 */
export function workerApiRoute(deps: ApiCallerDeps, endpoints: readonly ApiEndpoint[]): Route {
  const table = endpoints.map((endpoint) => ({ endpoint, pattern: endpoint.path.split('/') }));
  return {
    methods: ['GET', 'POST', 'DELETE'],
    errors: 'json',
    challenge: 'bearer',
    body: 'json',
    async handle(req, res) {
      try {
        const segments = decodeSegments(req.subpath);
        const found = table.flatMap(({ endpoint, pattern }) => {
          const params = matchPath(pattern, segments);
          return params === null ? [] : [{ endpoint, params }];
        });
        if (found.length === 0) throw new ApiError('resource_not_found', 404, 'no such endpoint in the worker API v1');
        const method = req.method === 'HEAD' ? 'GET' : req.method;
        const match = found.find(({ endpoint }) => endpoint.method === method);
        if (match === undefined) {
          const methods = found.map(({ endpoint }) => endpoint.method);
          res.setHeader('Allow', methods.join(', '));
          throw new ApiError('method_not_allowed', 405, `use ${methods.join(' or ')}`);
        }
        const caller = await authenticateApiCaller(deps, req);
        (match.endpoint.authorize ?? requireAdmin)(caller, match.params);
        const answer = await match.endpoint.handle({ req, caller, params: match.params });
        if (answer.location !== undefined) res.setHeader('Location', answer.location);
        if (answer.body === undefined) sendEmpty(res, answer.status);
        else sendJson(res, answer.status, answer.body);
      } catch (error) {
        const apiError = toApiError(error);
        if (apiError === undefined) throw error;
        sendApiError(res as WorkerResponse, apiError);
      }
    },
  };
}
