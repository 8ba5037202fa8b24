import type { TConnectorTestRequest, TCreateConnectorRequest, TUpdateConnectorRequest } from '@dex/shared/admin-api';
import { keepPreviousData, queryOptions, useMutation } from '@tanstack/react-query';
import type { ConsoleApi } from '#shared/console-api.ts';
import { useBridge } from '../../app/bridge-context.tsx';
import { unwrap } from '../../app/unwrap.ts';
import { auditKeys } from '../audit/queries.ts';
import { overviewKeys } from '../overview/queries.ts';

export const connectorKeys = {
  all: ['connectors'] as const,
  list: () => [...connectorKeys.all, 'list'] as const,
  validations: () => [...connectorKeys.all, 'validate'] as const,
  validation: (config: unknown) => [...connectorKeys.validations(), config] as const,
};

export const connectorQueries = {
  /** The connectors in login-page order. */
  list: (bridge: ConsoleApi) =>
    queryOptions({
      queryKey: connectorKeys.list(),
      queryFn: () => unwrap(bridge.connectors.list()),
    }),
  /** What the overlord thinks of a draft config (nothing is saved); the form shows its problems as you type. */
  validation: (bridge: ConsoleApi, config: unknown) =>
    queryOptions({
      queryKey: connectorKeys.validation(config),
      queryFn: () => unwrap(bridge.connectors.validate(config)),
      placeholderData: keepPreviousData,
      staleTime: Number.POSITIVE_INFINITY,
      // A draft may hold a secret being typed: drop each answer as soon as the form moves on.
      gcTime: 0,
      retry: false,
      throwOnError: false,
    }),
};

/** What a connector change makes stale (validations excepted: they depend only on the draft). */
const AFFECTED = [connectorKeys.list(), overviewKeys.all, auditKeys.all];

export function useCreateConnector() {
  const bridge = useBridge();
  return useMutation({
    mutationKey: [...connectorKeys.all, 'create'],
    mutationFn: (request: TCreateConnectorRequest) => unwrap(bridge.connectors.create(request)),
    meta: { invalidates: AFFECTED, successMessage: 'Connector added' },
  });
}

export function useUpdateConnector() {
  const bridge = useBridge();
  return useMutation({
    mutationKey: [...connectorKeys.all, 'update'],
    mutationFn: (input: { id: string; changes: TUpdateConnectorRequest }) => unwrap(bridge.connectors.update(input.id, input.changes)),
    meta: { invalidates: AFFECTED, successMessage: 'Connector saved' },
  });
}

export function useDeleteConnector() {
  const bridge = useBridge();
  return useMutation({
    mutationKey: [...connectorKeys.all, 'delete'],
    mutationFn: (id: string) => unwrap(bridge.connectors.remove(id)),
    meta: { invalidates: AFFECTED, successMessage: 'Connector deleted' },
  });
}

/** "Test connection": the overlord's real checks of a draft config; nothing is saved, nothing goes stale. */
export function useTestConnector() {
  const bridge = useBridge();
  return useMutation({
    mutationKey: [...connectorKeys.all, 'test'],
    mutationFn: (request: TConnectorTestRequest) => unwrap(bridge.connectors.test(request)),
    meta: { invalidates: [] },
  });
}
