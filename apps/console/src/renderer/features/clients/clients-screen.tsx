import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useBridge } from '../../app/bridge-context.tsx';
import { formatDateTime } from '../../components/format.ts';
import { FIRST_PAGE, Pager, type PagerState } from '../../components/pager.tsx';
import { Screen } from '../../components/screen.tsx';
import { Empty, Loading } from '../../components/states.tsx';
import { useDebounced } from '../../components/use-debounced.ts';
import { hrefOf, useRouteItem } from '../../app/router.ts';
import { type ClientDialog, ClientDialogs, clientLabel } from './client-dialogs.tsx';
import { ClientDetail } from './client-detail.tsx';
import { clientQueries } from './queries.ts';
import { SearchBox } from '../../components/search-box.tsx';
import { RowAction } from '../../components/row-action.tsx';
import { TableFrame } from '../../components/table-frame.tsx';

/** Clients per page. */
export const CLIENTS_PAGE_SIZE = 25;

/** The registered applications, or one client's detail view when the URL names it (`#/clients/<id>`). */
export function ClientsScreen() {
  const item = useRouteItem();
  return item === null ? <ClientList /> : <ClientDetail key={item} clientId={item} />;
}

/** The registered applications: search, page, create (secret shown once), edit, rotate the secret, delete. */
function ClientList() {
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
  const [dialog, setDialog] = useState<ClientDialog | null>(null);

  return (
    <Screen
      title="Clients"
      summary="Applications that log their users in through dex."
      actions={
        <button
          type="button"
          className="button button-primary"
          onClick={() => {
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
          <TableFrame>
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
                    <td>
                      <a href={hrefOf('clients', client.id)}>{client.name === '' ? 'Unnamed' : client.name}</a>
                    </td>
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
                          setDialog({ kind: 'edit', client });
                        }}
                      />
                      {!client.public && (
                        <RowAction
                          label="Rotate secret"
                          accessibleName={`Rotate secret of ${clientLabel(client)}`}
                          onClick={() => {
                            setDialog({ kind: 'rotate', client });
                          }}
                        />
                      )}
                      <RowAction
                        label="Delete"
                        accessibleName={`Delete ${clientLabel(client)}`}
                        isDanger
                        onClick={() => {
                          setDialog({ kind: 'delete', client });
                        }}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableFrame>
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

      {dialog !== null && <ClientDialogs key={dialog.kind} dialog={dialog} onChange={setDialog} />}
    </Screen>
  );
}
