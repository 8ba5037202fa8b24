import { AppError } from '@dex/shared/errors';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { ActiveConnection, ConnectInput, ConsoleApi, DexSignInInput, SaveProfileInput } from '#shared/console-api.ts';
import { useBridge } from '../../app/bridge-context.tsx';
import { unwrap } from '../../app/unwrap.ts';

export const sessionKeys = {
  all: ['session'] as const,
  current: () => [...sessionKeys.all, 'current'] as const,
};

export const profileKeys = {
  all: ['profiles'] as const,
  list: () => [...profileKeys.all, 'list'] as const,
};

export const sessionQueries = {
  /** The connection of this window or tab, null before sign-in. Its failure is shown on the sign-in screen. */
  current: (bridge: ConsoleApi) =>
    queryOptions({
      queryKey: sessionKeys.current(),
      queryFn: () => unwrap(bridge.connection.current()),
      staleTime: Number.POSITIVE_INFINITY,
      retry: false,
      throwOnError: false,
    }),
  /** Saved connection profiles (desktop; the web console has none). */
  profiles: (bridge: ConsoleApi) =>
    queryOptions({
      queryKey: profileKeys.list(),
      queryFn: () => (bridge.profiles === undefined ? Promise.resolve([]) : unwrap(bridge.profiles.list())),
      throwOnError: false,
    }),
};

/** Makes a new connection current: another overlord's (or admin's) data must never show under it. */
function useOnConnected() {
  const queryClient = useQueryClient();
  return (connection: ActiveConnection) => {
    queryClient.removeQueries({
      predicate: (query) => query.queryKey[0] !== sessionKeys.all[0] && query.queryKey[0] !== profileKeys.all[0],
    });
    queryClient.setQueryData(sessionKeys.current(), connection);
  };
}

/** Connects (checks the secret) and makes the connection current. */
export function useConnect() {
  const bridge = useBridge();
  const onConnected = useOnConnected();
  return useMutation({
    mutationKey: [...sessionKeys.all, 'connect'],
    mutationFn: (input: ConnectInput) => unwrap(bridge.connection.connect(input)),
    // Its variables hold the typed secret: dropped as soon as the sign-in screen is gone.
    gcTime: 0,
    meta: { invalidates: [] },
    onSuccess: onConnected,
  });
}

/**
 * Desktop: "Sign in with dex" for a saved profile. The main process opens the system browser
 * and waits for the admin to sign in there (up to 5 minutes); no token comes back here.
 */
export function useSignInWithDex() {
  const bridge = useBridge();
  const onConnected = useOnConnected();
  return useMutation({
    mutationKey: [...sessionKeys.all, 'sign-in-with-dex'],
    mutationFn: (input: DexSignInInput) => {
      if (bridge.signIn === undefined)
        throw new AppError('NOT_IMPLEMENTED', { message: 'this console signs in through dex from its own page' });
      return unwrap(bridge.signIn.withDex(input));
    },
    meta: { invalidates: [] },
    onSuccess: onConnected,
  });
}

/** Desktop: gives up the sign-in with dex waiting for the browser (its mutation then fails, "cancelled"). */
export function useCancelSignIn() {
  const bridge = useBridge();
  return useMutation({
    mutationKey: [...sessionKeys.all, 'cancel-sign-in'],
    mutationFn: () => (bridge.signIn === undefined ? Promise.resolve() : unwrap(bridge.signIn.cancel())),
    meta: { invalidates: [] },
  });
}

/** Signs out: the bridge forgets the connection (web: the secret too) and every cached answer goes. */
export function useDisconnect() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: [...sessionKeys.all, 'disconnect'],
    mutationFn: () => unwrap(bridge.connection.disconnect()),
    meta: { invalidates: [] },
    onSuccess: () => {
      queryClient.removeQueries({
        predicate: (query) => query.queryKey[0] !== sessionKeys.all[0] && query.queryKey[0] !== profileKeys.all[0],
      });
      queryClient.setQueryData(sessionKeys.current(), null);
    },
  });
}

export function useSaveProfile() {
  const bridge = useBridge();
  return useMutation({
    mutationKey: [...profileKeys.all, 'save'],
    mutationFn: (input: SaveProfileInput) => {
      if (bridge.profiles === undefined)
        throw new AppError('NOT_IMPLEMENTED', { message: 'this console has no saved connection profiles' });
      return unwrap(bridge.profiles.save(input));
    },
    meta: { successMessage: 'Connection saved' },
  });
}

export function useRemoveProfile() {
  const bridge = useBridge();
  return useMutation({
    mutationKey: [...profileKeys.all, 'remove'],
    mutationFn: (id: string) => {
      if (bridge.profiles === undefined)
        throw new AppError('NOT_IMPLEMENTED', { message: 'this console has no saved connection profiles' });
      return unwrap(bridge.profiles.remove(id));
    },
    meta: { successMessage: 'Connection removed' },
  });
}
