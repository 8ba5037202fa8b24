import {
  ADMIN_API_PATHS,
  AUDIT_API_PATHS,
  CLIENTS_API_PATHS,
  CONSOLE_SESSION_API_PATHS,
  CONNECTORS_API_PATHS,
  KEY_API_PATHS,
  PROCESS_API_PATHS,
  type TAdmin,
  type TAuditEventList,
  EVENTS_API_PATHS,
  type TListLoginEventsQuery,
  type TLoginEventList,
  ZLoginEventList,
  type TClient,
  type TClientList,
  type TClientSecret,
  type TConsoleSession,
  type TConnector,
  type TConnectorList,
  type TConnectorTestRequest,
  type TConnectorTestResult,
  type TConnectorValidation,
  type TCreateAdminRequest,
  type TCreateClientRequest,
  type TCreateConnectorRequest,
  type TCreatedClient,
  type TCreatedUser,
  type TCreateUserRequest,
  type THealth,
  type TListAuditEventsQuery,
  type TListClientsQuery,
  type TListUsersQuery,
  type TProcessList,
  type TRevokeUserTokensResult,
  type TSentUserEmail,
  type TRotateKeysRequest,
  type TRotateKeysResult,
  type TSigningKeyList,
  type TState,
  type TUpdateClientRequest,
  type TUpdateConnectorRequest,
  type TUpdateUserRequest,
  type TUser,
  type TUserList,
  type TV0CreateClientRequest,
  type TV0CreateClientResponse,
  USER_API_PATHS,
  ZAdmin,
  ZApiError,
  ZAuditEventList,
  ZClient,
  ZClientList,
  ZClientSecret,
  ZConnector,
  ZConnectorList,
  ZConnectorTestResult,
  ZConnectorValidation,
  ZConsoleSession,
  ZCreatedClient,
  ZHealth,
  ZProcessList,
  ZRevokeUserTokensResult,
  ZCreatedUser,
  ZSentUserEmail,
  ZRotateKeysResult,
  ZSigningKeyList,
  ZState,
  ZUser,
  ZUserList,
  ZV0CreateClientResponse,
} from '@dex/shared/admin-api';
import { AppError, type AppErrorCode, errorReason } from '@dex/shared/errors';
import type { z } from 'zod';

/** How long one request may take, answer body included, unless the caller says otherwise. */
export const ADMIN_API_TIMEOUT_MS = 10_000;

/** Every code of the error model, so a `{code, message}` body with an unknown code is not trusted blindly. */
const APP_ERROR_CODES: Readonly<Record<AppErrorCode, true>> = {
  BAD_REQUEST: true,
  UNAUTHORIZED: true,
  FORBIDDEN: true,
  NOT_FOUND: true,
  CONFLICT: true,
  INVALID_CONFIG: true,
  DATABASE_UNREACHABLE: true,
  KEYS_UNDECRYPTABLE: true,
  NOT_IMPLEMENTED: true,
  INTERNAL: true,
};

/** The code for an error status whose body named no known code. */
const CODE_BY_STATUS: Readonly<Record<number, AppErrorCode>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  501: 'NOT_IMPLEMENTED',
};

/** Header-safe text: what an admin secret (base64) is made of. */
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/** One request, as `onRequest` sees it: never a header, a body or the secret. */
export interface AdminRequestEvent {
  method: string;
  /** The path and query under the base URL (`/api/v1/clients?limit=100`). */
  path: string;
  /** The HTTP status, or undefined when no answer came. */
  status: number | undefined;
  durationMs: number;
}

export interface AdminClientOptions {
  /** The overlord's admin API (`--admin-listen`), such as `http://127.0.0.1:5557`; a path prefix is kept. */
  baseUrl: string | URL;
  /**
   * The overlord's `--admin-api-secret`, sent as the `Authorization` header. Never logged,
   * never in an error. Without it, requests rely on the console's session cookie (the web
   * console, same origin) and changes carry `csrfToken()` as `X-CSRF-Token`.
   */
  secret?: string;
  /** The console session's CSRF token (cookie mode only). */
  csrfToken?: () => string | null;
  /**
   * How the tool names itself in the audit log, sent as `X-Dex-Client` with the secret
   * (dexctl: `dexctl`, recorded as `dexctl (admin-api)`). A label, not a credential.
   */
  auditLabel?: string;
  /** Injected in tests; the global `fetch` by default. */
  fetch?: typeof fetch;
  /** Per request, answer body included (default {@link ADMIN_API_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Called after every request (for debug logs). */
  onRequest?: (event: AdminRequestEvent) => void;
}

/** A list query of the contract, with `limit` as a number (the wire carries it as text). */
export type PageQuery<Q extends { limit?: unknown }> = Omit<Q, 'limit'> & { limit?: number };

/**
 * The overlord's admin API, one typed method per endpoint. Answers are checked with the
 * contract's zod schemas; errors are AppErrors: the server's `{code, message}` as
 * `AppError.fromJSON`, a refused secret as UNAUTHORIZED saying so, and a network failure,
 * a timeout or an answer that is not the contract's as INTERNAL naming the API's URL.
 */
export interface AdminClient {
  /** The base URL as shown in messages (no credentials, no trailing slash). */
  readonly baseUrl: string;

  /** `GET /health` (public): 200 and 503 both answer with the health body. */
  health(): Promise<THealth>;
  /** `GET /api/v1/state`: dex v0's `AdminUserCreated` plus counts. */
  getState(): Promise<TState>;
  /** `POST /api/v1/admin` (dex v0): creates an admin user. */
  createAdmin(request: TCreateAdminRequest): Promise<TAdmin>;
  /** `GET /api/v1/admin/:id` (dex v0). */
  getAdmin(id: string): Promise<TAdmin>;

  /** `GET /api/v1/clients`: one page. */
  listClients(query?: PageQuery<TListClientsQuery>): Promise<TClientList>;
  /** `GET /api/v1/clients/:id`. */
  getClient(id: string): Promise<TClient>;
  /** `POST /api/v1/clients`: the only answer that shows the secret. */
  createClient(request: TCreateClientRequest): Promise<TCreatedClient>;
  /** `POST /api/v1/client` (dex v0 shape). */
  createClientV0(request: TV0CreateClientRequest): Promise<TV0CreateClientResponse>;
  /** `PATCH /api/v1/clients/:id`. */
  updateClient(id: string, changes: TUpdateClientRequest): Promise<TClient>;
  /** `DELETE /api/v1/clients/:id`. */
  deleteClient(id: string): Promise<void>;
  /** `POST /api/v1/clients/:id/secret`: the new secret, shown once. */
  rotateClientSecret(id: string): Promise<TClientSecret>;

  /** `GET /api/v1/connectors`: v0's `connectors` plus `items`, secrets masked. */
  listConnectors(): Promise<TConnectorList>;
  /** `PUT /api/v1/connectors` (dex v0): replaces every connector config, in this order. */
  replaceConnectors(configs: readonly unknown[]): Promise<void>;
  /** `POST /api/v1/connectors`. */
  createConnector(request: TCreateConnectorRequest): Promise<TConnector>;
  /** `GET /api/v1/connectors/:id`. */
  getConnector(id: string): Promise<TConnector>;
  /** `PATCH /api/v1/connectors/:id`. */
  updateConnector(id: string, changes: TUpdateConnectorRequest): Promise<TConnector>;
  /** `DELETE /api/v1/connectors/:id`. */
  deleteConnector(id: string): Promise<void>;
  /** `POST /api/v1/connectors/validate`: one config or a list, nothing saved. */
  validateConnectors(input: unknown): Promise<TConnectorValidation>;
  /** `POST /api/v1/connectors/test`: "Test connection", the overlord's real checks, step by step; nothing saved. */
  testConnector(request: TConnectorTestRequest): Promise<TConnectorTestResult>;

  /** `GET /api/v1/users`: one page, ordered by email. */
  listUsers(query?: PageQuery<TListUsersQuery>): Promise<TUserList>;
  /** `GET /api/v1/users/:id`. */
  getUser(id: string): Promise<TUser>;
  /** `POST /api/v1/users`: the server hashes the password; with `sendInvitation` the answer says whether the email went out. */
  createUser(request: TCreateUserRequest): Promise<TCreatedUser>;
  /** `PATCH /api/v1/users/:id`. */
  updateUser(id: string, changes: TUpdateUserRequest): Promise<TUser>;
  /** `DELETE /api/v1/users/:id`: the user, their credentials, tokens and sessions. */
  deleteUser(id: string): Promise<void>;
  /** `POST /api/v1/users/:id/disable`. */
  disableUser(id: string): Promise<TUser>;
  /** `POST /api/v1/users/:id/enable`. */
  enableUser(id: string): Promise<TUser>;
  /** `POST /api/v1/users/:id/revoke-tokens`. */
  revokeUserTokens(id: string): Promise<TRevokeUserTokensResult>;
  /** `POST /api/v1/users/:id/send-invitation`. */
  sendUserInvitation(id: string): Promise<TSentUserEmail>;
  /** `POST /api/v1/users/:id/send-password-reset`. */
  sendUserPasswordReset(id: string): Promise<TSentUserEmail>;

  /** `GET /api/v1/audit`: one page, newest first. */
  listAuditEvents(query?: PageQuery<TListAuditEventsQuery>): Promise<TAuditEventList>;
  /** `GET /api/v1/events`: the workers' login events, one page, newest first. */
  listLoginEvents(query?: PageQuery<TListLoginEventsQuery>): Promise<TLoginEventList>;

  /** `POST /api/v1/session`: the break-glass sign-in, the secret exchanged for a session cookie. */
  openSession(secret: string): Promise<TConsoleSession>;
  /** `GET /api/v1/session`: the session of the cookie (UNAUTHORIZED without one). */
  getSession(): Promise<TConsoleSession>;
  /** `DELETE /api/v1/session`: sign out. */
  closeSession(): Promise<void>;

  /** `GET /api/v1/keys`. */
  listKeys(): Promise<TSigningKeyList>;
  /** `GET /api/v1/processes`: the workers and overlords from their heartbeats. */
  listProcesses(): Promise<TProcessList>;
  /** `POST /api/v1/keys/rotate`: publish-first unless `{ mode: 'immediate' }` (a leaked key). */
  rotateKeys(request?: TRotateKeysRequest): Promise<TRotateKeysResult>;
}

interface RequestSpec<S extends z.ZodType> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Readonly<Record<string, string | number | undefined>>;
  body?: unknown;
  /** The answer's schema, or null for an answer without a body (204, v0's empty 200). */
  schema: S | null;
  /** Statuses that carry a `schema` body (default: any 2xx). */
  bodyStatuses?: readonly number[];
  /** Whether to send the secret (not to the public `/health`). */
  isAuthenticated?: boolean;
}

/**
 * Creates a client for the overlord's admin API. Node-only and free of Electron, so dexctl
 * and the console's main process share it; the secret stays inside it.
 * @throws AppError `INVALID_CONFIG` for a base URL that is not http(s) or carries credentials,
 *   and for a secret that is not printable ASCII.
 * @example
 * const admin = createAdminClient({ baseUrl: 'http://127.0.0.1:5557', secret });
 * const { items } = await admin.listClients({ q: 'example' });
 */
export function createAdminClient(options: AdminClientOptions): AdminClient {
  const base = parseBaseUrl(options.baseUrl);
  if (options.secret !== undefined && !PRINTABLE_ASCII.test(options.secret)) {
    throw new AppError('INVALID_CONFIG', { message: 'the admin API secret must be non-empty printable ASCII (base64)' });
  }
  const secret = options.secret;
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? ADMIN_API_TIMEOUT_MS;
  const where = base.display;

  async function call<S extends z.ZodType>(spec: RequestSpec<S>): Promise<z.output<S>> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(spec.query ?? {})) if (value !== undefined) search.set(name, String(value));
    const query = search.size === 0 ? '' : `?${search}`;
    const path = `${spec.path}${query}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (spec.isAuthenticated !== false && secret !== undefined) headers.authorization = secret;
    if (secret !== undefined && options.auditLabel !== undefined) headers['x-dex-client'] = options.auditLabel;
    const csrfToken = secret === undefined && spec.method !== 'GET' ? options.csrfToken?.() : null;
    if (csrfToken !== null && csrfToken !== undefined) headers['x-csrf-token'] = csrfToken;
    if (spec.body !== undefined) headers['content-type'] = 'application/json';

    const started = performance.now();
    let status: number | undefined;
    try {
      // The admin API never redirects; following one could carry the secret elsewhere.
      const response = await fetchImpl(`${base.prefix}${path}`, {
        method: spec.method,
        headers,
        ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      const text = await response.text();
      return readAnswer(spec, response, text);
    } catch (error) {
      throw error instanceof AppError ? error : transportError(error);
    } finally {
      options.onRequest?.({ method: spec.method, path, status, durationMs: Math.round(performance.now() - started) });
    }
  }

  function readAnswer<S extends z.ZodType>(spec: RequestSpec<S>, response: Response, text: string): z.output<S> {
    const { status } = response;
    const isBodyStatus = spec.bodyStatuses?.includes(status) ?? (status >= 200 && status < 300);
    if (isBodyStatus) {
      if (spec.schema === null) return undefined as z.output<S>;
      const parsed = spec.schema.safeParse(parseJson(text));
      if (parsed.success) return parsed.data;
      const [issue] = parsed.error.issues;
      const at = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
      throw unexpected(
        `${spec.method} ${spec.path} answered ${status} with a body that is not the contract's${at}: ${issue?.message ?? 'invalid'}`,
      );
    }
    if (status >= 300 && status < 400) {
      throw unexpected(`${spec.method} ${spec.path} answered with a redirect (${status}); is the URL the overlord's --admin-listen?`);
    }
    const error = ZApiError.safeParse(parseJson(text));
    if (!error.success) {
      throw unexpected(
        `${spec.method} ${spec.path} answered ${status} without a {code, message} body; is the URL the overlord's admin API?`,
      );
    }
    if (status === 401) {
      const refused = secret === undefined && spec.isAuthenticated !== false ? 'refused the console session' : 'refused the admin secret';
      const message = `the admin API at ${where} ${refused} (${error.data.message})`;
      throw AppError.fromJSON({ code: 'UNAUTHORIZED', message }, status);
    }
    const code = isAppErrorCode(error.data.code) ? error.data.code : (CODE_BY_STATUS[status] ?? 'INTERNAL');
    // A 5xx body says only "internal server error": say where it happened.
    const message = status >= 500 ? `the admin API at ${where} failed (${status}): ${error.data.message}` : error.data.message;
    throw AppError.fromJSON({ code, message }, status);
  }

  function unexpected(detail: string): AppError {
    const message = `unexpected answer from the admin API at ${where}: ${detail}`;
    return new AppError('INTERNAL', { message, userMessage: message, status: 502 });
  }

  function transportError(error: unknown): AppError {
    if (error instanceof Error && error.name === 'TimeoutError') {
      const message = `the admin API at ${where} did not answer within ${formatSeconds(timeoutMs)}`;
      return new AppError('INTERNAL', { message, userMessage: message, status: 504, cause: error });
    }
    const message = `cannot reach the admin API at ${where}: ${networkReason(error)}`;
    return new AppError('INTERNAL', { message, userMessage: message, status: 503, cause: error });
  }

  const byId = (template: string, id: string) => template.replace(':id', encodeURIComponent(id));

  return {
    baseUrl: where,
    health: () => call({ method: 'GET', path: ADMIN_API_PATHS.health, schema: ZHealth, bodyStatuses: [200, 503], isAuthenticated: false }),
    getState: () => call({ method: 'GET', path: ADMIN_API_PATHS.state, schema: ZState }),
    openSession: (password) =>
      call({
        method: 'POST',
        path: CONSOLE_SESSION_API_PATHS.session,
        body: { secret: password },
        schema: ZConsoleSession,
        isAuthenticated: false,
      }),
    getSession: () => call({ method: 'GET', path: CONSOLE_SESSION_API_PATHS.session, schema: ZConsoleSession }),
    closeSession: async () => {
      await call({ method: 'DELETE', path: CONSOLE_SESSION_API_PATHS.session, schema: null });
    },
    listProcesses: () => call({ method: 'GET', path: PROCESS_API_PATHS.processes, schema: ZProcessList }),
    createAdmin: (request) => call({ method: 'POST', path: ADMIN_API_PATHS.admin, body: request, schema: ZAdmin }),
    getAdmin: (id) => call({ method: 'GET', path: byId(ADMIN_API_PATHS.adminById, id), schema: ZAdmin }),

    listClients: (query = {}) => call({ method: 'GET', path: CLIENTS_API_PATHS.clients, query, schema: ZClientList }),
    getClient: (id) => call({ method: 'GET', path: byId(CLIENTS_API_PATHS.clientById, id), schema: ZClient }),
    createClient: (request) => call({ method: 'POST', path: CLIENTS_API_PATHS.clients, body: request, schema: ZCreatedClient }),
    createClientV0: (request) => call({ method: 'POST', path: CLIENTS_API_PATHS.v0Client, body: request, schema: ZV0CreateClientResponse }),
    updateClient: (id, changes) => call({ method: 'PATCH', path: byId(CLIENTS_API_PATHS.clientById, id), body: changes, schema: ZClient }),
    deleteClient: async (id) => {
      await call({ method: 'DELETE', path: byId(CLIENTS_API_PATHS.clientById, id), schema: null });
    },
    rotateClientSecret: (id) => call({ method: 'POST', path: byId(CLIENTS_API_PATHS.clientSecret, id), schema: ZClientSecret }),

    listConnectors: () => call({ method: 'GET', path: CONNECTORS_API_PATHS.connectors, schema: ZConnectorList }),
    replaceConnectors: async (configs) => {
      await call({ method: 'PUT', path: CONNECTORS_API_PATHS.connectors, body: { connectors: configs }, schema: null });
    },
    createConnector: (request) => call({ method: 'POST', path: CONNECTORS_API_PATHS.connectors, body: request, schema: ZConnector }),
    getConnector: (id) => call({ method: 'GET', path: byId(CONNECTORS_API_PATHS.connectorById, id), schema: ZConnector }),
    updateConnector: (id, changes) =>
      call({ method: 'PATCH', path: byId(CONNECTORS_API_PATHS.connectorById, id), body: changes, schema: ZConnector }),
    deleteConnector: async (id) => {
      await call({ method: 'DELETE', path: byId(CONNECTORS_API_PATHS.connectorById, id), schema: null });
    },
    validateConnectors: (input) => call({ method: 'POST', path: CONNECTORS_API_PATHS.validate, body: input, schema: ZConnectorValidation }),
    testConnector: (request) => call({ method: 'POST', path: CONNECTORS_API_PATHS.test, body: request, schema: ZConnectorTestResult }),

    listUsers: (query = {}) => call({ method: 'GET', path: USER_API_PATHS.users, query, schema: ZUserList }),
    getUser: (id) => call({ method: 'GET', path: byId(USER_API_PATHS.userById, id), schema: ZUser }),
    createUser: (request) => call({ method: 'POST', path: USER_API_PATHS.users, body: request, schema: ZCreatedUser }),
    updateUser: (id, changes) => call({ method: 'PATCH', path: byId(USER_API_PATHS.userById, id), body: changes, schema: ZUser }),
    deleteUser: async (id) => {
      await call({ method: 'DELETE', path: byId(USER_API_PATHS.userById, id), schema: null });
    },
    disableUser: (id) => call({ method: 'POST', path: byId(USER_API_PATHS.disable, id), schema: ZUser }),
    enableUser: (id) => call({ method: 'POST', path: byId(USER_API_PATHS.enable, id), schema: ZUser }),
    revokeUserTokens: (id) => call({ method: 'POST', path: byId(USER_API_PATHS.revokeTokens, id), schema: ZRevokeUserTokensResult }),
    sendUserInvitation: (id) => call({ method: 'POST', path: byId(USER_API_PATHS.sendInvitation, id), schema: ZSentUserEmail }),
    sendUserPasswordReset: (id) => call({ method: 'POST', path: byId(USER_API_PATHS.sendPasswordReset, id), schema: ZSentUserEmail }),

    listAuditEvents: (query = {}) => call({ method: 'GET', path: AUDIT_API_PATHS.audit, query, schema: ZAuditEventList }),
    listLoginEvents: (query = {}) => call({ method: 'GET', path: EVENTS_API_PATHS.events, query, schema: ZLoginEventList }),

    listKeys: () => call({ method: 'GET', path: KEY_API_PATHS.keys, schema: ZSigningKeyList }),
    rotateKeys: (request = {}) => call({ method: 'POST', path: KEY_API_PATHS.rotate, body: request, schema: ZRotateKeysResult }),
  };
}

/** The base URL split into what requests are built on and what messages show. */
function parseBaseUrl(input: string | URL): { prefix: string; display: string } {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new AppError('INVALID_CONFIG', { message: `the admin API URL "${String(input)}" is not a URL` });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('INVALID_CONFIG', { message: `the admin API URL "${url.origin}" must use http or https` });
  }
  if (url.username !== '' || url.password !== '') {
    throw new AppError('INVALID_CONFIG', { message: 'the admin API URL must not contain credentials: the secret is sent as a header' });
  }
  if (url.search !== '' || url.hash !== '') {
    throw new AppError('INVALID_CONFIG', { message: 'the admin API URL must not have a query or fragment' });
  }
  const prefix = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  return { prefix, display: prefix };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isAppErrorCode(code: string): code is AppErrorCode {
  return Object.hasOwn(APP_ERROR_CODES, code);
}

/** What a failed fetch says: undici hides the socket error in `cause` (an AggregateError when every address failed). */
function networkReason(error: unknown): string {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const first = cause instanceof AggregateError ? (cause.errors[0] as unknown) : cause;
  if (first instanceof Error && first.message !== '') return errorReason(first);
  if (typeof first === 'object' && first !== null && 'code' in first && typeof first.code === 'string') return first.code;
  return errorReason(error);
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
