import type { TClient, TUser } from '@dex/shared/admin-api';
import { AppError } from '@dex/shared/errors';
import { type AdminClient, createAdminClient } from '../../shared/admin-client.ts';
import type { Driver } from '../driver.ts';

/** The largest page the list endpoints serve (the contract's `PAGE_SIZE`, which its index does not export). */
const PAGE_SIZE = 100;
/** The longest `q` the list endpoints take. */
const MAX_QUERY_LENGTH = 200;

export interface ApiDriverOptions {
  url: URL;
  secret: string;
  debug(line: string): void;
  /** Injected in tests; the global `fetch` by default. */
  fetch?: typeof fetch;
}

/**
 * Runs `use` with a driver on the overlord's admin API. Like the database driver's check of
 * the database, it first reads `GET /api/v1/state`, so an unreachable API or a refused
 * secret fails before the command does anything.
 * @example await withApiDriver({ url: new URL('http://127.0.0.1:5557'), secret, debug }, (driver) => driver.listClients());
 */
export async function withApiDriver<T>(options: ApiDriverOptions, use: (driver: Driver) => Promise<T>): Promise<T> {
  const admin = createAdminClient({
    baseUrl: options.url,
    secret: options.secret,
    auditLabel: 'dexctl',
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    onRequest: (event) => options.debug(`${event.method} ${event.path} -> ${event.status ?? 'no answer'} (${event.durationMs} ms)`),
  });
  options.debug(`using the admin API at ${admin.baseUrl}`);
  try {
    await admin.getState();
  } catch (error) {
    // A 404 here means the URL is not the admin API (the worker's address, a wrong path prefix).
    if (!(error instanceof AppError) || error.code !== 'NOT_FOUND') throw error;
    throw new AppError('INTERNAL', {
      message: `${admin.baseUrl} does not serve the admin API (${error.message}): give the overlord's --admin-listen address`,
      cause: error,
    });
  }
  return use(createApiDriver(admin));
}

function createApiDriver(admin: AdminClient): Driver {
  return {
    getState: () => admin.getState(),

    async listClients() {
      const clients: TClient[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await admin.listClients({ limit: PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) });
        clients.push(...page.items);
        if (page.nextCursor === null) return clients;
        cursor = page.nextCursor;
      }
    },
    getClient: (id) => admin.getClient(id),
    createClient: (request) => admin.createClient(request),
    deleteClient: (id) => admin.deleteClient(id),
    rotateClientSecret: (id) => admin.rotateClientSecret(id),

    listConnectors: () => admin.listConnectors(),
    replaceConnectors: (configs) => admin.replaceConnectors(configs),

    async listUsers() {
      const users: TUser[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await admin.listUsers({ limit: PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) });
        users.push(...page.items);
        if (page.nextCursor === null) return users;
        cursor = page.nextCursor;
      }
    },

    // The API finds users by substring; the exact email, normalized as the store keeps it
    // (domain/users `normalizeEmail`: trimmed, lower case), picks the one.
    async findUserByEmail(email) {
      const wanted = email.trim().toLowerCase();
      let cursor: string | undefined;
      for (;;) {
        const page = await admin.listUsers({
          q: wanted.slice(0, MAX_QUERY_LENGTH),
          limit: PAGE_SIZE,
          ...(cursor === undefined ? {} : { cursor }),
        });
        const user = page.items.find((item) => item.email === wanted);
        if (user !== undefined) return user;
        if (page.nextCursor === null) throw new AppError('NOT_FOUND', { message: 'user not found' });
        cursor = page.nextCursor;
      }
    },
    createUser: (request) => admin.createUser(request),
    disableUser: (id) => admin.disableUser(id),

    listKeys: () => admin.listKeys(),
    rotateKeys: (request) => admin.rotateKeys(request),
  };
}
