import type { TRotateKeysRequest } from '@dex/shared/admin-api';
import { queryOptions, useMutation } from '@tanstack/react-query';
import type { ConsoleApi } from '#shared/console-api.ts';
import { useBridge } from '../../app/bridge-context.tsx';
import { unwrap } from '../../app/unwrap.ts';
import { auditKeys } from '../audit/queries.ts';
import { overviewKeys } from '../overview/queries.ts';

export const keyKeys = {
  all: ['keys'] as const,
  list: () => [...keyKeys.all, 'list'] as const,
};

/** The key chain changes on the overlord's schedule, not ours: refresh it in the background. */
export const KEYS_REFETCH_MS = 15_000;

export const keyQueries = {
  list: (bridge: ConsoleApi) =>
    queryOptions({
      queryKey: keyKeys.list(),
      queryFn: () => unwrap(bridge.keys.list()),
      refetchInterval: KEYS_REFETCH_MS,
    }),
};

export function useRotateKeys() {
  const bridge = useBridge();
  return useMutation({
    mutationKey: [...keyKeys.all, 'rotate'],
    mutationFn: (request: TRotateKeysRequest) => unwrap(bridge.keys.rotate(request)),
    // The toast is the screen's: it tells the rotation's timeline in the dialog's words.
    meta: { invalidates: [keyKeys.all, overviewKeys.all, auditKeys.all] },
  });
}
