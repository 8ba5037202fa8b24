import { AppError } from '@dex/shared/errors';
import { QueryObserver } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { createQueryClient } from '../../src/renderer/app/query-client.ts';

describe('createQueryClient', () => {
  it('reports a failed background refetch, but not a failed first load (that one goes to the screen)', async () => {
    const reported: string[] = [];
    const queryClient = createQueryClient({ retry: false, onBackgroundError: (error) => reported.push(error.message) });
    let answer: () => Promise<string> = () => Promise.reject(AppError.fromJSON({ code: 'INTERNAL', message: 'first load failed' }));
    const observer = new QueryObserver(queryClient, { queryKey: ['thing'], queryFn: () => answer(), throwOnError: false });
    const unsubscribe = observer.subscribe(() => undefined);
    await expect.poll(() => observer.getCurrentResult().status).toBe('error');
    expect(reported).toEqual([]);

    answer = () => Promise.resolve('data');
    await observer.refetch();
    answer = () => Promise.reject(AppError.fromJSON({ code: 'INTERNAL', message: 'refetch failed' }));
    await observer.refetch();
    expect(reported).toEqual(['refetch failed']);
    expect(observer.getCurrentResult().data).toBe('data');
    unsubscribe();
  });

  it('invalidates what a successful mutation names in its meta, or its area', async () => {
    const messages: string[] = [];
    const queryClient = createQueryClient({ retry: false, onMutationSuccess: (text) => messages.push(text) });
    queryClient.setQueryData(['clients', 'list', {}], 'clients');
    queryClient.setQueryData(['overview', 'state'], 'state');
    queryClient.setQueryData(['keys', 'list'], 'keys');

    await queryClient
      .getMutationCache()
      .build(queryClient, {
        mutationKey: ['clients', 'delete'],
        mutationFn: () => Promise.resolve(),
        meta: { invalidates: [['clients'], ['overview']], successMessage: 'Client deleted' },
      })
      .execute(undefined);
    expect(queryClient.getQueryState(['clients', 'list', {}])?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState(['overview', 'state'])?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState(['keys', 'list'])?.isInvalidated).toBe(false);
    expect(messages).toEqual(['Client deleted']);

    await queryClient
      .getMutationCache()
      .build(queryClient, { mutationKey: ['keys', 'rotate'], mutationFn: () => Promise.resolve() })
      .execute(undefined);
    expect(queryClient.getQueryState(['keys', 'list'])?.isInvalidated).toBe(true);
  });
});
