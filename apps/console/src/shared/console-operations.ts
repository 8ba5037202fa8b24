import { AppError, errorReason } from '@dex/shared/errors';
import type { BridgeResult, ConsoleApi } from '#shared/console-api.ts';
import type { AdminClient } from './admin-client.ts';

/** The bridge namespaces that are plain admin API calls (everything but the connection and profiles). */
export type ConsoleOperations = Omit<ConsoleApi, 'kind' | 'profiles' | 'connection'>;

/**
 * Resolves with `{ok: true, data}` or `{ok: false, error}`: an AppError keeps its code and
 * message, anything else becomes INTERNAL with its reason (never a stack).
 * @example const result = await settle(() => admin.listKeys());
 */
export async function settle<T>(operation: () => Promise<T>): Promise<BridgeResult<T>> {
  try {
    return { ok: true, data: await operation() };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, error: error.toJSON() };
    return { ok: false, error: { code: 'INTERNAL', message: errorReason(error) } };
  }
}

/**
 * Maps every bridge operation onto the admin API client, once, for both bridges: the desktop
 * main process answers IPC with it, and the web bridge calls it directly in the tab.
 * @example
 * const operations = createConsoleOperations(() => createAdminClient({ baseUrl, secret }));
 * const result = await operations.clients.list({ q: 'example' });
 */
export function createConsoleOperations(getAdmin: () => AdminClient): ConsoleOperations {
  const run = <T>(call: (admin: AdminClient) => Promise<T>) => settle(() => call(getAdmin()));
  return {
    overview: {
      health: () => run((admin) => admin.health()),
      state: () => run((admin) => admin.getState()),
      processes: () => run((admin) => admin.listProcesses()),
    },
    clients: {
      list: (query) => run((admin) => admin.listClients(query)),
      get: (id) => run((admin) => admin.getClient(id)),
      create: (request) => run((admin) => admin.createClient(request)),
      update: (id, changes) => run((admin) => admin.updateClient(id, changes)),
      remove: (id) => run((admin) => admin.deleteClient(id)),
      rotateSecret: (id) => run((admin) => admin.rotateClientSecret(id)),
    },
    connectors: {
      list: () => run((admin) => admin.listConnectors()),
      get: (id) => run((admin) => admin.getConnector(id)),
      create: (request) => run((admin) => admin.createConnector(request)),
      update: (id, changes) => run((admin) => admin.updateConnector(id, changes)),
      remove: (id) => run((admin) => admin.deleteConnector(id)),
      validate: (input) => run((admin) => admin.validateConnectors(input)),
      test: (request) => run((admin) => admin.testConnector(request)),
    },
    keys: {
      list: () => run((admin) => admin.listKeys()),
      rotate: (request) => run((admin) => admin.rotateKeys(request)),
    },
    users: {
      list: (query) => run((admin) => admin.listUsers(query)),
      get: (id) => run((admin) => admin.getUser(id)),
      create: (request) => run((admin) => admin.createUser(request)),
      update: (id, changes) => run((admin) => admin.updateUser(id, changes)),
      remove: (id) => run((admin) => admin.deleteUser(id)),
      disable: (id) => run((admin) => admin.disableUser(id)),
      enable: (id) => run((admin) => admin.enableUser(id)),
      revokeTokens: (id) => run((admin) => admin.revokeUserTokens(id)),
      sendInvitation: (id) => run((admin) => admin.sendUserInvitation(id)),
      sendPasswordReset: (id) => run((admin) => admin.sendUserPasswordReset(id)),
    },
    audit: {
      list: (query) => run((admin) => admin.listAuditEvents(query)),
    },
    events: {
      list: (query) => run((admin) => admin.listLoginEvents(query)),
    },
  };
}
