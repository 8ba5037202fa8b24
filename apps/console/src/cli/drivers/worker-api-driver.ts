import { type TClient, type TUser, ZClient, ZClientSecret, ZCreatedClient, ZUser } from '@dex/shared/admin-api';
import { AppError, type AppErrorCode } from '@dex/shared/errors';
import { z } from 'zod';
import type { Driver } from '../driver.ts';

export interface WorkerApiDriverOptions {
  /** The worker's issuer (`--endpoint`). */
  issuer: URL;
  clientId: string;
  clientSecret: string;
  debug(line: string): void;
  /** Injected in tests; the global `fetch` by default. */
  fetch?: typeof fetch;
}

const PAGE_SIZE = 100;
const ZDiscovery = z.object({ token_endpoint: z.url() });
const ZToken = z.object({ access_token: z.string().min(1) });
const ZClientPage = z.object({ clients: z.array(ZClient), nextPageToken: z.string().optional() });
const ZUserPage = z.object({ users: z.array(ZUser), nextPageToken: z.string().optional() });
const ZUserAnswer = z.object({ user: ZUser });
const ZOAuthError = z.object({ error: z.string(), error_description: z.string().optional() });

/** The AppError code of a worker API answer's status, so every driver fails alike (exit 1, same messages). */
function codeForStatus(status: number): AppErrorCode {
  if (status === 400) return 'BAD_REQUEST';
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  return 'INTERNAL';
}

/** What the worker API does not serve: a readable refusal (exit 1) instead of a guess. */
function notServed(what: string): never {
  throw new AppError('NOT_IMPLEMENTED', {
    message: `the worker API (--endpoint) does not serve ${what}: use --db-url or --admin-url`,
    expose: true,
  });
}

/**
 * Runs `use` with a driver on the worker's API v1, as dex v0's dexctl did after its first
 * client: the admin client's id and secret buy an access token (discovery, then the
 * client_credentials grant at the token endpoint), which every call then carries. A client
 * that is not an admin client is refused by the worker: "client X is not an admin client".
 * @example await withWorkerApiDriver({ issuer, clientId, clientSecret, debug }, (driver) => driver.listClients());
 */
export async function withWorkerApiDriver<T>(options: WorkerApiDriverOptions, use: (driver: Driver) => Promise<T>): Promise<T> {
  const fetchFn = options.fetch ?? fetch;
  const issuer = options.issuer.href.replace(/\/$/, '');

  async function exchange(method: string, url: string, init: RequestInit = {}): Promise<Response> {
    const started = Date.now();
    let response: Response;
    try {
      response = await fetchFn(url, { ...init, method, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      options.debug(`${method} ${url} -> no answer`);
      throw new AppError('INTERNAL', { message: `cannot reach ${url}: ${(error as Error).message}`, expose: true, cause: error });
    }
    options.debug(`${method} ${url} -> ${response.status} (${Date.now() - started} ms)`);
    return response;
  }

  async function readJson<S extends z.ZodType>(response: Response, schema: S, what: string): Promise<z.output<S>> {
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const failure = ZOAuthError.safeParse(json);
      const message = failure.success ? (failure.data.error_description ?? failure.data.error) : `${what}: HTTP ${response.status}`;
      throw new AppError(codeForStatus(response.status), { message, expose: true });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new AppError('INTERNAL', { message: `${what}: unexpected answer from the worker`, expose: true });
    return parsed.data;
  }

  const discovery = await readJson(
    await exchange('GET', `${issuer}/.well-known/openid-configuration`),
    ZDiscovery,
    `${issuer} is not a dex issuer`,
  );
  const basic = Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64');
  const token = await readJson(
    await exchange('POST', discovery.token_endpoint, {
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    }),
    ZToken,
    'the client_credentials grant',
  );
  const call = async <S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown): Promise<z.output<S>> => {
    // `X-Dex-Client`: the audit log reads `dexctl (worker-api, client:<id>)`.
    const headers: Record<string, string> = { authorization: `Bearer ${token.access_token}`, 'x-dex-client': 'dexctl' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await exchange(method, `${issuer}/api/v1/${path}`, {
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return readJson(response, schema, `${method} /api/v1/${path}`);
  };
  const id = (value: string) => encodeURIComponent(value);
  const page = (token: string | undefined) =>
    `maxResults=${PAGE_SIZE}${token === undefined ? '' : `&nextPageToken=${encodeURIComponent(token)}`}`;

  /** Every item of a paged list, following `nextPageToken` to the last page. */
  async function listAll<T>(path: string, schema: z.ZodType<{ items: T[]; nextPageToken?: string | undefined }>): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined;
    do {
      const answer = await call('GET', `${path}?${page(next)}`, schema);
      items.push(...answer.items);
      next = answer.nextPageToken;
    } while (next !== undefined);
    return items;
  }
  const listUsers = () =>
    listAll<TUser>(
      'users',
      ZUserPage.transform(({ users, ...rest }) => ({ items: users, ...rest })),
    );

  const driver: Driver = {
    getState: () => notServed('state'),
    listClients: () =>
      listAll<TClient>(
        'clients',
        ZClientPage.transform(({ clients, ...rest }) => ({ items: clients, ...rest })),
      ),
    getClient: (clientId) => call('GET', `clients/${id(clientId)}`, ZClient),
    createClient: (request) => call('POST', 'clients', ZCreatedClient, request),
    deleteClient: async (clientId) => {
      await call('DELETE', `clients/${id(clientId)}`, z.unknown());
    },
    rotateClientSecret: (clientId) => call('POST', `clients/${id(clientId)}/secret`, ZClientSecret),
    listConnectors: () => notServed('connectors'),
    replaceConnectors: () => notServed('connectors'),
    listUsers,
    async findUserByEmail(email) {
      const wanted = email.trim().toLowerCase();
      const user = (await listUsers()).find((candidate) => candidate.email === wanted);
      if (user === undefined) throw new AppError('NOT_FOUND', { message: 'user not found' });
      return user;
    },
    async createUser(request) {
      const { password, ...user } = request;
      const answer = await call('POST', 'users', ZUserAnswer, { user, ...(password === undefined ? {} : { password }) });
      return answer.user;
    },
    async disableUser(userId) {
      await call('POST', `users/${id(userId)}/disable`, z.object({ ok: z.literal(true) }), { disable: true });
      return (await call('GET', `users/${id(userId)}`, ZUserAnswer)).user;
    },
    listKeys: () => notServed('signing keys'),
    rotateKeys: () => notServed('signing keys'),
  };
  options.debug(`using the worker API at ${issuer}/api/v1 as client ${options.clientId}`);
  return use(driver);
}
