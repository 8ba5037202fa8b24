import type { TClient } from '@dex/shared/admin-api';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useBridge } from '../../app/bridge-context.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { formatDateTime } from '../../components/format.ts';
import { FIRST_PAGE, Pager, type PagerState } from '../../components/pager.tsx';
import { Screen } from '../../components/screen.tsx';
import { Empty, Loading } from '../../components/states.tsx';
import { useDebounced } from '../../components/use-debounced.ts';
import { ClientFormDialog } from './client-form.tsx';
import { clientQueries, useCreateClient, useDeleteClient, useRotateClientSecret, useUpdateClient } from './queries.ts';
import { SecretDialog } from './secret-dialog.tsx';
import { SearchBox } from '../../components/search-box.tsx';
import { RowAction } from '../../components/row-action.tsx';

/** Clients per page. */
export const CLIENTS_PAGE_SIZE = 25;

type Dialog =
  | { kind: 'create' }
  | { kind: 'edit'; client: TClient }
  | { kind: 'delete'; client: TClient }
  | { kind: 'rotate'; client: TClient }
  | { kind: 'secret'; title: string; clientId: string; secret: string };

const clientLabel = (client: TClient) => (client.name === '' ? client.id : client.name);

/** The registered applications: search, page, create (secret shown once), edit, rotate the secret, delete. */
export function ClientsScreen() {
  const bridge = useBridge();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 250);
  const [pager, setPager] = useState<PagerState>(FIRST_PAGE);
  const [searchedFor, setSearchedFor] = useState(q);
  if (searchedFor !== q) {
    setSearchedFor(q);
    setPager(FIRST_PAGE);
  }
  const cursor = pager.cursors[pager.index];
  const query = { ...(q === '' ? {} : { q }), limit: CLIENTS_PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) };
  const list = useQuery(clientQueries.list(bridge, query));
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const close = () => setDialog(null);

  const create = useCreateClient();
  const update = useUpdateClient();
  const remove = useDeleteClient();
  const rotate = useRotateClientSecret();

  return (
    <Screen
      title="Clients"
      summary="Applications that log their users in through dex."
      actions={
        <button
          type="button"
          className="button button-primary"
          onClick={() => {
            create.reset();
            setDialog({ kind: 'create' });
          }}
        >
          New client
        </button>
      }
    >
      <div className="toolbar">
        <SearchBox label="Search clients" placeholder="Search by name or ID" value={search} onChange={setSearch} />
        {list.isFetching && !list.isPending && (
          <span className="muted" role="status">
            Updating…
          </span>
        )}
      </div>

      {list.isPending && <Loading label="Loading clients…" />}
      {list.data !== undefined && list.data.items.length === 0 && (
        <Empty title={q === '' ? 'No clients yet' : `No client matches “${q}”`}>
          {q === '' && <p className="muted">Register the first application with “New client”.</p>}
        </Empty>
      )}
      {list.data !== undefined && list.data.items.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Clients</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Client ID</th>
                  <th scope="col">Redirect URIs</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Created</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((client) => (
                  <tr key={client.id}>
                    <td>{client.name === '' ? <span className="muted">Unnamed</span> : client.name}</td>
                    <td className="mono">{client.id}</td>
                    <td className="mono cell-list">
                      {client.redirectUris.length === 0 ? (
                        <span className="muted">none</span>
                      ) : (
                        <ul>
                          {client.redirectUris.map((uri) => (
                            <li key={uri}>{uri}</li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td>
                      <span className="badge">{client.public ? 'Public' : 'Confidential'}</span>
                      {client.admin && <span className="badge badge-accent">Admin</span>}
                    </td>
                    <td>{formatDateTime(client.createdAt)}</td>
                    <td className="cell-actions">
                      <RowAction
                        label="Edit"
                        accessibleName={`Edit ${clientLabel(client)}`}
                        onClick={() => {
                          update.reset();
                          setDialog({ kind: 'edit', client });
                        }}
                      />
                      {!client.public && (
                        <RowAction
                          label="Rotate secret"
                          accessibleName={`Rotate secret of ${clientLabel(client)}`}
                          onClick={() => {
                            rotate.reset();
                            setDialog({ kind: 'rotate', client });
                          }}
                        />
                      )}
                      <RowAction
                        label="Delete"
                        accessibleName={`Delete ${clientLabel(client)}`}
                        isDanger
                        onClick={() => {
                          remove.reset();
                          setDialog({ kind: 'delete', client });
                        }}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            label="Clients pages"
            pageSize={CLIENTS_PAGE_SIZE}
            state={pager}
            shown={list.data.items.length}
            total={list.data.total}
            nextCursor={list.data.nextCursor}
            onChange={setPager}
          />
        </>
      )}

      {dialog?.kind === 'create' && (
        <ClientFormDialog
          isPending={create.isPending}
          error={create.error}
          onClose={close}
          onSubmit={(request) =>
            create.mutate(request, {
              // A public client has no secret to show.
              onSuccess: (created) =>
                created.secret === undefined
                  ? close()
                  : setDialog({
                      kind: 'secret',
                      title: `Client “${clientLabel(created.client)}” created`,
                      clientId: created.client.id,
                      secret: created.secret,
                    }),
            })
          }
        />
      )}
      {dialog?.kind === 'edit' && (
        <ClientFormDialog
          client={dialog.client}
          isPending={update.isPending}
          error={update.error}
          onClose={close}
          onSubmit={(request) => {
            const { id: _id, ...changes } = request;
            update.mutate({ id: dialog.client.id, changes }, { onSuccess: close });
          }}
        />
      )}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog
          title="Delete client"
          confirmLabel="Delete client"
          isPending={remove.isPending}
          error={remove.error}
          onClose={close}
          onConfirm={() => remove.mutate(dialog.client.id, { onSuccess: close })}
        >
          <p>
            Delete the client <strong>{clientLabel(dialog.client)}</strong> (<code>{dialog.client.id}</code>)? Its users can no longer log
            in through it and its refresh tokens stop working. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
      {dialog?.kind === 'rotate' && (
        <ConfirmDialog
          title="Rotate client secret"
          confirmLabel="Rotate secret"
          tone="primary"
          isPending={rotate.isPending}
          error={rotate.error}
          onClose={close}
          onConfirm={() =>
            rotate.mutate(dialog.client.id, {
              onSuccess: (result) =>
                setDialog({
                  kind: 'secret',
                  title: `New secret for “${clientLabel(dialog.client)}”`,
                  clientId: dialog.client.id,
                  secret: result.secret,
                }),
            })
          }
        >
          <p>
            Give <strong>{clientLabel(dialog.client)}</strong> (<code>{dialog.client.id}</code>) a new secret? The current one stops working
            at once: update the application right after.
          </p>
        </ConfirmDialog>
      )}
      {dialog?.kind === 'secret' && <SecretDialog title={dialog.title} clientId={dialog.clientId} secret={dialog.secret} onClose={close} />}
    </Screen>
  );
}
