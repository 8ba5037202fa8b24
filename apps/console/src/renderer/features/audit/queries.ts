import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { BridgeListQuery, ConsoleApi } from '#shared/console-api.ts';
import type { TListAuditEventsQuery } from '@dex/shared/admin-api';
import { unwrap } from '../../app/unwrap.ts';

export type AuditQuery = BridgeListQuery<TListAuditEventsQuery>;

export const auditKeys = {
  all: ['audit'] as const,
  lists: () => [...auditKeys.all, 'list'] as const,
  list: (query: AuditQuery) => [...auditKeys.lists(), query] as const,
};

export const auditQueries = {
  list: (bridge: ConsoleApi, query: AuditQuery) =>
    queryOptions({
      queryKey: auditKeys.list(query),
      queryFn: () => unwrap(bridge.audit.list(query)),
      placeholderData: keepPreviousData,
    }),
};
