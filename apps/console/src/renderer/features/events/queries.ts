import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { TListLoginEventsQuery } from '@dex/shared/admin-api';
import type { BridgeListQuery, ConsoleApi } from '#shared/console-api.ts';
import { unwrap } from '../../app/unwrap.ts';

export type EventsQuery = BridgeListQuery<TListLoginEventsQuery>;

export const eventKeys = {
  all: ['events'] as const,
  lists: () => [...eventKeys.all, 'list'] as const,
  list: (query: EventsQuery) => [...eventKeys.lists(), query] as const,
};

export const eventQueries = {
  list: (bridge: ConsoleApi, query: EventsQuery) =>
    queryOptions({
      queryKey: eventKeys.list(query),
      queryFn: () => unwrap(bridge.events.list(query)),
      placeholderData: keepPreviousData,
      // Logins keep happening: the first page follows them.
      refetchInterval: 15_000,
    }),
};
