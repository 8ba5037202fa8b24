import { createConsoleOperations, settle } from '#shared/console-operations.ts';
import type { BridgeNamespaces } from '#shared/ipc-contract.ts';
import type { ProfileStore } from '../profiles/profile-store.ts';
import type { ConnectionManager } from './connection-manager.ts';

export interface CreateDesktopBridgeOptions {
  profiles: ProfileStore;
  connections: ConnectionManager;
}

/**
 * Everything the desktop bridge answers, in the main process: the saved profiles, the
 * connection (with the admin secret, or signed in through dex), and the admin API operations
 * on the connected overlord. Changing the URL or the secret of the connected profile, or
 * removing it, ends the connection and forgets the profile's session through dex.
 * @example registerBridgeHandlers(registry, createDesktopBridge({ profiles, connections }));
 */
export function createDesktopBridge(options: CreateDesktopBridgeOptions): BridgeNamespaces {
  const { profiles, connections } = options;
  return {
    profiles: {
      list: () => settle(() => profiles.list()),
      save: (input) =>
        settle(async () => {
          const before = input.id === undefined ? undefined : await profiles.get(input.id);
          const saved = await profiles.save(input);
          if (before === undefined) return saved;
          if (input.secret !== undefined || saved.baseUrl !== before.baseUrl) await connections.forgetProfile(saved.id);
          else connections.renameProfile(saved);
          return saved;
        }),
      remove: (id) =>
        settle(async () => {
          await profiles.remove(id);
          await connections.forgetProfile(id);
        }),
    },
    connection: {
      current: () => settle(async () => connections.current()),
      connect: (input) => settle(() => connections.connect(input)),
      disconnect: () => settle(() => connections.disconnect()),
    },
    signIn: {
      withDex: (input) => settle(() => connections.signInWithDex(input)),
      cancel: () => settle(async () => connections.cancelSignIn()),
    },
    ...createConsoleOperations(() => connections.admin()),
  };
}
