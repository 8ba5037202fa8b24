import { queryOptions } from '@tanstack/react-query';
import type { ConsoleApi } from '#shared/console-api.ts';
import { unwrap } from '../../app/unwrap.ts';

export const overviewKeys = {
  all: ['overview'] as const,
  health: () => [...overviewKeys.all, 'health'] as const,
  state: () => [...overviewKeys.all, 'state'] as const,
  processes: () => [...overviewKeys.all, 'processes'] as const,
};

/** The processes' heartbeats come every 5 s: the list follows them at that pace. */
export const PROCESSES_REFETCH_MS = 5_000;

/** How often the overview refreshes health and counts in the background. */
export const OVERVIEW_REFETCH_MS = 30_000;

export const overviewQueries = {
  health: (bridge: ConsoleApi) =>
    queryOptions({
      queryKey: overviewKeys.health(),
      queryFn: () => unwrap(bridge.overview.health()),
      refetchInterval: OVERVIEW_REFETCH_MS,
    }),
  state: (bridge: ConsoleApi) =>
    queryOptions({
      queryKey: overviewKeys.state(),
      queryFn: () => unwrap(bridge.overview.state()),
      refetchInterval: OVERVIEW_REFETCH_MS,
    }),
  processes: (bridge: ConsoleApi) =>
    queryOptions({
      queryKey: overviewKeys.processes(),
      queryFn: () => unwrap(bridge.overview.processes()),
      refetchInterval: PROCESSES_REFETCH_MS,
      staleTime: 0,
    }),
};
