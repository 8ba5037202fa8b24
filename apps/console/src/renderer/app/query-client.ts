import type { AppError } from '@dex/shared/errors';
import { MutationCache, QueryCache, QueryClient, type QueryKey } from '@tanstack/react-query';

/** What a mutation tells the global cache handlers. */
export interface ConsoleMutationMeta extends Record<string, unknown> {
  /** Query keys (prefixes) to invalidate after success; default: the mutation key's area (`['clients']`). */
  invalidates?: readonly QueryKey[];
  /** A short confirmation for the notifications area ("Client deleted"). */
  successMessage?: string;
}

declare module '@tanstack/react-query' {
  interface Register {
    /** Every query and mutation function throws AppErrors (see `unwrap`). */
    defaultError: AppError;
    mutationMeta: ConsoleMutationMeta;
  }
}

export interface QueryClientOptions {
  /** A background refetch failed while the screen still shows earlier data (a toast, the data stays). */
  onBackgroundError?: (error: AppError) => void;
  /** A mutation succeeded and its meta carries a `successMessage`. */
  onMutationSuccess?: (message: string) => void;
  /** Tests pass false; the console retries server and network failures twice. */
  retry?: boolean;
}

/**
 * The console's QueryClient. Errors of a first load go to the screen's error boundary
 * (`throwOnError`); errors of a background refetch leave the data on screen and raise a
 * notification. Every successful mutation invalidates what its `meta.invalidates` names (or
 * its area), so no screen invalidates by hand.
 * @example const queryClient = createQueryClient({ onBackgroundError: (error) => toasts.push({ tone: 'error', text: error.message }) });
 */
export function createQueryClient(options: QueryClientOptions = {}): QueryClient {
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (query.state.data !== undefined) options.onBackgroundError?.(error);
      },
    }),
    mutationCache: new MutationCache({
      onSuccess: async (_data, _variables, _context, mutation) => {
        const meta = mutation.options.meta;
        if (meta?.successMessage !== undefined) options.onMutationSuccess?.(meta.successMessage);
        const area = mutation.options.mutationKey?.slice(0, 1);
        const keys = meta?.invalidates ?? (area === undefined ? [] : [area]);
        await Promise.all(keys.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        retry: options.retry === false ? false : (failureCount, error) => failureCount < 2 && error.status >= 500,
        throwOnError: (_error, query) => query.state.data === undefined,
      },
      mutations: { retry: false },
    },
  });
  return queryClient;
}
