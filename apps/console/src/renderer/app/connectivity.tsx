import { type QueryClient, queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from 'react';
import type { ConsoleApi } from '#shared/console-api.ts';
import { useBridge } from './bridge-context.tsx';
import { unwrap } from './unwrap.ts';

/** How often the console asks whether the overlord answers: a stop shows within this plus the request's own failure. */
export const CONNECTIVITY_POLL_MS = 2_000;

/** What the console knows about reaching its overlord. */
export interface Connectivity {
  isReachable: boolean;
  /** When the overlord last answered (ms), or null before it ever did. */
  lastReachedAt: number | null;
  /** When the current outage began (ms); null while reachable. */
  unreachableSince: number | null;
  /** Bumped each time the overlord comes back: screens that failed meanwhile mount afresh. */
  recoveries: number;
}

const REACHABLE: Connectivity = { isReachable: true, lastReachedAt: null, unreachableSince: null, recoveries: 0 };
const ConnectivityContext = createContext<Connectivity>(REACHABLE);

export const connectivityKeys = { all: ['connectivity'] as const };

/** `GET /health` on a short cycle, never retried (a failure is the news) and never thrown to a boundary. */
export const connectivityQuery = (bridge: ConsoleApi) =>
  queryOptions({
    queryKey: connectivityKeys.all,
    queryFn: () => unwrap(bridge.overview.health()),
    refetchInterval: CONNECTIVITY_POLL_MS,
    refetchIntervalInBackground: true,
    retry: false,
    throwOnError: false,
    staleTime: 0,
  });

/**
 * Once the overlord answers again: every query that failed meanwhile starts over (a screen's
 * error boundary shows its data again without a click) and everything else refreshes.
 */
export async function recoverQueries(queryClient: QueryClient): Promise<void> {
  await queryClient.resetQueries({ predicate: (query) => query.state.status === 'error' && query.queryKey[0] !== connectivityKeys.all[0] });
  await queryClient.invalidateQueries({ predicate: (query) => query.queryKey[0] !== connectivityKeys.all[0] });
}

/**
 * Watches whether the overlord answers and tells every screen (`useConnectivity`): the banner,
 * the stale marks, and the recovery when it returns.
 */
export function ConnectivityProvider(props: { children: ReactNode }) {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  const health = useQuery(connectivityQuery(bridge));
  const [recoveries, setRecoveries] = useState(0);
  const wasReachable = useRef(true);
  const outageStart = useRef<number | null>(null);
  // The query stays in error until its next success; the first failed poll dates the outage.
  const isReachable = health.status !== 'error';
  if (isReachable) outageStart.current = null;
  else outageStart.current ??= health.errorUpdatedAt;
  const unreachableSince = outageStart.current;

  useEffect(() => {
    if (isReachable && !wasReachable.current) {
      void recoverQueries(queryClient).then(() => setRecoveries((count) => count + 1));
    }
    wasReachable.current = isReachable;
  }, [isReachable, queryClient]);

  const value: Connectivity = {
    isReachable,
    lastReachedAt: health.dataUpdatedAt === 0 ? null : health.dataUpdatedAt,
    unreachableSince,
    recoveries,
  };
  return <ConnectivityContext.Provider value={value}>{props.children}</ConnectivityContext.Provider>;
}

/** The console's view of its overlord (see `ConnectivityProvider`). */
export function useConnectivity(): Connectivity {
  return useContext(ConnectivityContext);
}
