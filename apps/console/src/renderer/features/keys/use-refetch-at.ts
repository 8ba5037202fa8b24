import { type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

/** The longest timer browsers honour; later instants are caught by the periodic refetch. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** Invalidates `queryKey` just after `iso` (the next rotation), so the timeline moves on without waiting for the next refetch. */
export function useRefetchAt(queryKey: QueryKey, iso: string | null | undefined): void {
  const queryClient = useQueryClient();
  const key = JSON.stringify(queryKey);
  useEffect(() => {
    if (iso === null || iso === undefined) return undefined;
    const delay = Date.parse(iso) - Date.now() + 1_000;
    if (delay < 0 || delay > MAX_TIMEOUT_MS) return undefined;
    const timer = setTimeout(() => void queryClient.invalidateQueries({ queryKey: JSON.parse(key) as QueryKey }), delay);
    return () => clearTimeout(timer);
  }, [queryClient, key, iso]);
}
