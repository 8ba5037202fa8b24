import type { TCreateUserRequest, TListUsersQuery, TUpdateUserRequest } from '@dex/shared/admin-api';
import { keepPreviousData, queryOptions, useMutation } from '@tanstack/react-query';
import type { BridgeListQuery, ConsoleApi } from '#shared/console-api.ts';
import { useBridge } from '../../app/bridge-context.tsx';
import { unwrap } from '../../app/unwrap.ts';
import { auditKeys } from '../audit/queries.ts';
import { overviewKeys } from '../overview/queries.ts';

export type UserListQuery = BridgeListQuery<TListUsersQuery>;

export const userKeys = {
  all: ['users'] as const,
  lists: () => [...userKeys.all, 'list'] as const,
  list: (query: UserListQuery) => [...userKeys.lists(), query] as const,
};

export const userQueries = {
  list: (bridge: ConsoleApi, query: UserListQuery) =>
    queryOptions({
      queryKey: userKeys.list(query),
      queryFn: () => unwrap(bridge.users.list(query)),
      placeholderData: keepPreviousData,
    }),
};

const AFFECTED = [userKeys.all, overviewKeys.all, auditKeys.all];

export function useCreateUser() {
  const bridge = useBridge();
  return useMutation({
    mutationKey: [...userKeys.all, 'create'],
    mutationFn: (request: TCreateUserRequest) => unwrap(bridge.users.create(request)),
    // The screen says what became of the invitation, if one was asked for.
    meta: { invalidates: AFFECTED },
  });
}

export function useUpdateUser() {
  const bridge = useBridge();
  return useMutation({
    mutationKey: [...userKeys.all, 'update'],
    mutationFn: (input: { id: string; changes: TUpdateUserRequest }) => unwrap(bridge.users.update(input.id, input.changes)),
    meta: { invalidates: AFFECTED, successMessage: 'User saved' },
  });
}

export function useDeleteUser() {
  const bridge = useBridge();
  return useMutation({
    mutationKey: [...userKeys.all, 'delete'],
    mutationFn: (id: string) => unwrap(bridge.users.remove(id)),
    meta: { invalidates: AFFECTED, successMessage: 'User deleted' },
  });
}

export function useSetUserDisabled() {
  const bridge = useBridge();
  return useMutation({
    mutationKey: [...userKeys.all, 'set-disabled'],
    mutationFn: (input: { id: string; isDisabled: boolean }) =>
      unwrap(input.isDisabled ? bridge.users.disable(input.id) : bridge.users.enable(input.id)),
    meta: { invalidates: AFFECTED },
  });
}

/** Emails the user an invitation or a password-reset link (no cache changes: only the audit log grows). */
export function useSendUserEmail() {
  const bridge = useBridge();
  return useMutation({
    mutationKey: [...userKeys.all, 'send-email'],
    mutationFn: (input: { id: string; kind: 'invitation' | 'password-reset' }) =>
      unwrap(input.kind === 'invitation' ? bridge.users.sendInvitation(input.id) : bridge.users.sendPasswordReset(input.id)),
    meta: { invalidates: [auditKeys.all] },
  });
}

export function useRevokeUserTokens() {
  const bridge = useBridge();
  return useMutation({
    mutationKey: [...userKeys.all, 'revoke-tokens'],
    mutationFn: (id: string) => unwrap(bridge.users.revokeTokens(id)),
    meta: { invalidates: AFFECTED },
  });
}
