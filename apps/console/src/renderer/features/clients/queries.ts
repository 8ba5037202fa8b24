import type { TCreateClientRequest, TUpdateClientRequest } from '@dex/shared/admin-api';
import { keepPreviousData, queryOptions, useMutation } from '@tanstack/react-query';
import type { BridgeListQuery, ConsoleApi } from '#shared/console-api.ts';
import type { TListClientsQuery } from '@dex/shared/admin-api';
import { useBridge } from '../../app/bridge-context.tsx';
import { unwrap } from '../../app/unwrap.ts';
import { auditKeys } from '../audit/queries.ts';
import { overviewKeys } from '../overview/queries.ts';

export type ClientListQuery = BridgeListQuery<TListClientsQuery>;

export const clientKeys = {
  all: ['clients'] as const,
  lists: () => [...clientKeys.all, 'list'] as const,
  list: (query: ClientListQuery) => [...clientKeys.lists(), query] as const,
  details: () => [...clientKeys.all, 'detail'] as const,
  detail: (id: string) => [...clientKeys.details(), id] as const,
};

export const clientQueries = {
  list: (bridge: ConsoleApi, query: ClientListQuery) =>
    queryOptions({
      queryKey: clientKeys.list(query),
      queryFn: () => unwrap(bridge.clients.list(query)),
      // The table keeps the previous page while the next one (or a new search) loads.
      placeholderData: keepPreviousData,
    }),
  detail: (bridge: ConsoleApi, id: string) =>
    queryOptions({
      queryKey: clientKeys.detail(id),
      queryFn: () => unwrap(bridge.clients.get(id)),
    }),
};

/** What a client change makes stale: the clients, the overview's counts and the audit log. */
const AFFECTED = [clientKeys.all, overviewKeys.all, auditKeys.all];

export function useCreateClient() {
  const bridge = useBridge();
  return useMutation({
    mutationKey: [...clientKeys.all, 'create'],
    mutationFn: (request: TCreateClientRequest) => unwrap(bridge.clients.create(request)),
    meta: { invalidates: AFFECTED },
  });
}

export function useUpdateClient() {
  const bridge = useBridge();
  return useMutation({
    mutationKey: [...clientKeys.all, 'update'],
    mutationFn: (input: { id: string; changes: TUpdateClientRequest }) => unwrap(bridge.clients.update(input.id, input.changes)),
    meta: { invalidates: AFFECTED, successMessage: 'Client saved' },
  });
}

export function useDeleteClient() {
  const bridge = useBridge();
  return useMutation({
    mutationKey: [...clientKeys.all, 'delete'],
    mutationFn: (id: string) => unwrap(bridge.clients.remove(id)),
    meta: { invalidates: AFFECTED, successMessage: 'Client deleted' },
  });
}

export function useRotateClientSecret() {
  const bridge = useBridge();
  return useMutation({
    mutationKey: [...clientKeys.all, 'rotate-secret'],
    mutationFn: (id: string) => unwrap(bridge.clients.rotateSecret(id)),
    meta: { invalidates: AFFECTED },
  });
}
