import type { TUser } from '@dex/shared/admin-api';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useBridge } from '../../app/bridge-context.tsx';
import { useToasts } from '../../app/toasts.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { formatDateTime } from '../../components/format.ts';
import { FIRST_PAGE, Pager, type PagerState } from '../../components/pager.tsx';
import { Screen } from '../../components/screen.tsx';
import { Empty, InlineError, Loading } from '../../components/states.tsx';
import { useDebounced } from '../../components/use-debounced.ts';
import { useCreateUser, useDeleteUser, useRevokeUserTokens, useSetUserDisabled, userQueries, useUpdateUser } from './queries.ts';
import { UserDeleteDialog } from './user-delete-dialog.tsx';
import { UserEditDialog } from './user-edit-dialog.tsx';
import { SentLinkDialog, UserEmailActions } from './user-email-actions.tsx';
import { UserFormDialog } from './user-form.tsx';
import { SearchBox } from '../../components/search-box.tsx';
import { RowAction } from '../../components/row-action.tsx';
import { TableFrame } from '../../components/table-frame.tsx';

export const USERS_PAGE_SIZE = 25;

type Dialog =
  | { kind: 'create' }
  | { kind: 'edit'; user: TUser }
  | { kind: 'delete'; user: TUser }
  | { kind: 'disable'; user: TUser }
  | { kind: 'revoke'; user: TUser }
  | { kind: 'admin'; user: TUser }
  | { kind: 'invitation-link'; user: TUser; url: string };

/** People who can log in: search, create, edit, delete, disable or enable, make admin, revoke sessions. */
export function UsersScreen() {
  const bridge = useBridge();
  const toasts = useToasts();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 250);
  const [pager, setPager] = useState<PagerState>(FIRST_PAGE);
  const [searchedFor, setSearchedFor] = useState(q);
  if (searchedFor !== q) {
    setSearchedFor(q);
    setPager(FIRST_PAGE);
  }
  const cursor = pager.cursors[pager.index];
  const list = useQuery(
    userQueries.list(bridge, { ...(q === '' ? {} : { q }), limit: USERS_PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) }),
  );
  const create = useCreateUser();
  const update = useUpdateUser();
  const setDisabled = useSetUserDisabled();
  const revoke = useRevokeUserTokens();
  const remove = useDeleteUser();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const close = () => setDialog(null);

  return (
    <Screen
      title="Users"
      summary="The people dex knows, whether they log in with a password or through a connector."
      actions={
        <button
          type="button"
          className="button button-primary"
          onClick={() => {
            create.reset();
            setDialog({ kind: 'create' });
          }}
        >
          New user
        </button>
      }
    >
      <div className="toolbar">
        <SearchBox label="Search users" placeholder="Search by email or name" value={search} onChange={setSearch} />
      </div>
      <InlineError error={setDisabled.error} />
      {list.isPending && <Loading label="Loading users…" />}
      {list.data !== undefined && list.data.items.length === 0 && <Empty title={q === '' ? 'No users yet' : `No user matches “${q}”`} />}
      {list.data !== undefined && list.data.items.length > 0 && (
        <>
          <TableFrame>
            <table className="table">
              <caption className="visually-hidden">Users</caption>
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Name</th>
                  <th scope="col">Status</th>
                  <th scope="col">Logs in with</th>
                  <th scope="col">Created</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((user) => (
                  <tr key={user.id} className={user.disabled ? 'row-muted' : undefined}>
                    <td>
                      {user.email}
                      {user.emailVerified ? (
                        <span className="badge badge-ok">verified</span>
                      ) : (
                        <span className="badge badge-quiet">unverified</span>
                      )}
                    </td>
                    <td>{user.displayName === '' ? <span className="muted">—</span> : user.displayName}</td>
                    <td>
                      <span className={`badge ${user.disabled ? 'badge-danger' : 'badge-ok'}`}>
                        {user.disabled ? 'Disabled' : 'Active'}
                      </span>
                      {user.admin && <span className="badge badge-accent">Admin</span>}
                    </td>
                    <td className="mono">{[...(user.hasPassword ? ['password'] : []), ...user.connectors].join(', ') || '—'}</td>
                    <td>{formatDateTime(user.createdAt)}</td>
                    <td className="cell-actions">
                      <RowAction
                        label="Edit"
                        accessibleName={`Edit ${user.email}`}
                        onClick={() => {
                          update.reset();
                          setDialog({ kind: 'edit', user });
                        }}
                      />
                      <RowAction
                        label={user.admin ? 'Remove admin' : 'Make admin'}
                        accessibleName={`${user.admin ? 'Remove admin from' : 'Make admin'} ${user.email}`}
                        onClick={() => {
                          update.reset();
                          setDialog({ kind: 'admin', user });
                        }}
                      />
                      {user.disabled ? (
                        <RowAction
                          label="Enable"
                          accessibleName={`Enable ${user.email}`}
                          disabled={setDisabled.isPending}
                          onClick={() =>
                            setDisabled.mutate(
                              { id: user.id, isDisabled: false },
                              { onSuccess: () => toasts.push({ tone: 'success', text: `${user.email} can log in again` }) },
                            )
                          }
                        />
                      ) : (
                        <RowAction
                          label="Disable"
                          accessibleName={`Disable ${user.email}`}
                          onClick={() => {
                            setDisabled.reset();
                            setDialog({ kind: 'disable', user });
                          }}
                        />
                      )}
                      <UserEmailActions user={user} />
                      <RowAction
                        label="Revoke sessions"
                        accessibleName={`Revoke sessions of ${user.email}`}
                        onClick={() => {
                          revoke.reset();
                          setDialog({ kind: 'revoke', user });
                        }}
                      />
                      <RowAction
                        label="Delete"
                        accessibleName={`Delete ${user.email}`}
                        onClick={() => {
                          remove.reset();
                          setDialog({ kind: 'delete', user });
                        }}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableFrame>
          <Pager
            label="Users pages"
            pageSize={USERS_PAGE_SIZE}
            state={pager}
            shown={list.data.items.length}
            total={list.data.total}
            nextCursor={list.data.nextCursor}
            onChange={setPager}
          />
        </>
      )}
      {dialog?.kind === 'create' && (
        <UserFormDialog
          isPending={create.isPending}
          error={create.error}
          onClose={close}
          onSubmit={(request) =>
            create.mutate(request, {
              onSuccess: (created) => {
                close();
                const { invitation } = created;
                if (invitation === undefined) toasts.push({ tone: 'success', text: `User ${created.email} created` });
                else if (invitation.emailSent)
                  toasts.push({ tone: 'success', text: `User created; an invitation email was sent to ${created.email}` });
                else if (invitation.resetPasswordLink !== undefined) {
                  toasts.push({ tone: 'success', text: `User ${created.email} created` });
                  setDialog({ kind: 'invitation-link', user: created, url: invitation.resetPasswordLink });
                } else
                  toasts.push({
                    tone: 'error',
                    text: `User ${created.email} created, but the invitation email could not be sent; the overlord's log says why. Try "Send invitation" again later.`,
                  });
              },
            })
          }
        />
      )}
      {dialog?.kind === 'invitation-link' && (
        <SentLinkDialog kind="invitation" url={dialog.url} email={dialog.user.email} onClose={close} />
      )}
      {dialog?.kind === 'edit' && (
        <UserEditDialog
          user={dialog.user}
          isPending={update.isPending}
          error={update.error}
          onClose={close}
          onSubmit={(changes) => update.mutate({ id: dialog.user.id, changes }, { onSuccess: close })}
        />
      )}
      {dialog?.kind === 'delete' && (
        <UserDeleteDialog
          user={dialog.user}
          isPending={remove.isPending}
          error={remove.error}
          onClose={close}
          onConfirm={() => remove.mutate(dialog.user.id, { onSuccess: close })}
        />
      )}
      {dialog?.kind === 'admin' && (
        <ConfirmDialog
          title={dialog.user.admin ? 'Remove administrator' : 'Make administrator'}
          confirmLabel={dialog.user.admin ? 'Remove admin' : 'Make admin'}
          tone="primary"
          isPending={update.isPending}
          error={update.error}
          onClose={close}
          onConfirm={() => update.mutate({ id: dialog.user.id, changes: { admin: !dialog.user.admin } }, { onSuccess: close })}
        >
          <p>
            {dialog.user.admin ? 'Remove administrator rights from' : 'Give administrator rights to'} <strong>{dialog.user.email}</strong>?
          </p>
        </ConfirmDialog>
      )}
      {dialog?.kind === 'disable' && (
        <ConfirmDialog
          title="Disable user"
          confirmLabel="Disable user"
          isPending={setDisabled.isPending}
          error={setDisabled.error}
          onClose={close}
          onConfirm={() => setDisabled.mutate({ id: dialog.user.id, isDisabled: true }, { onSuccess: close })}
        >
          <p>
            Disable <strong>{dialog.user.email}</strong>? They can no longer log in and their refresh tokens stop working. You can enable
            them again later.
          </p>
        </ConfirmDialog>
      )}
      {dialog?.kind === 'revoke' && (
        <ConfirmDialog
          title="Revoke sessions"
          confirmLabel="Revoke sessions"
          isPending={revoke.isPending}
          error={revoke.error}
          onClose={close}
          onConfirm={() =>
            revoke.mutate(dialog.user.id, {
              onSuccess: (result) => {
                toasts.push({
                  tone: 'success',
                  text: `${dialog.user.email}: ${result.revokedRefreshTokens} refresh token(s) revoked, ${result.endedSessions} session(s) ended`,
                });
                close();
              },
            })
          }
        >
          <p>
            Log <strong>{dialog.user.email}</strong> out everywhere? Their refresh tokens are revoked and their browser sessions end; they
            must log in again.
          </p>
        </ConfirmDialog>
      )}
    </Screen>
  );
}
