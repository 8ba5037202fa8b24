import type { TConnector } from '@dex/shared/admin-api';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useBridge } from '../../app/bridge-context.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { Screen } from '../../components/screen.tsx';
import { Empty, InlineError, Loading } from '../../components/states.tsx';
import { overviewQueries } from '../overview/queries.ts';
import { connectorDisplayName, connectorSummary, offeredConnectorTypes } from './connector-fields.ts';
import { connectorHealth } from './connector-health.ts';
import { ConnectorHealthCell } from './connector-health-cell.tsx';
import { ConnectorFormDialog } from './connector-form.tsx';
import { connectorQueries, useCreateConnector, useDeleteConnector, useUpdateConnector } from './queries.ts';
import { RowAction } from '../../components/row-action.tsx';
import { TableFrame } from '../../components/table-frame.tsx';

type Dialog = { kind: 'create' } | { kind: 'edit'; connector: TConnector } | { kind: 'delete'; connector: TConnector };

/** How users prove who they are, in login-page order: add, edit (form or JSON), reorder, delete. */
export function ConnectorsScreen() {
  const bridge = useBridge();
  const list = useQuery(connectorQueries.list(bridge));
  // The workers' heartbeats: each says whether it can use each connector (refreshed every beat).
  const processes = useQuery(overviewQueries.processes(bridge));
  const create = useCreateConnector();
  const update = useUpdateConnector();
  const move = useUpdateConnector();
  const remove = useDeleteConnector();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const close = () => setDialog(null);
  const items = list.data?.items ?? [];

  return (
    <Screen
      title="Connectors"
      summary="How users prove who they are. With several, the login page lets them choose, in this order; workers apply changes within a second. Health is what the running workers last reported (every few seconds)."
      actions={
        <button
          type="button"
          className="button button-primary"
          onClick={() => {
            create.reset();
            setDialog({ kind: 'create' });
          }}
        >
          New connector
        </button>
      }
    >
      {list.isPending && <Loading label="Loading connectors…" />}
      <InlineError error={move.error} />
      {list.data !== undefined && items.length === 0 && (
        <Empty title="No connectors yet">
          <p className="muted">Nobody can log in until there is one: add the local connector to use dex’s own users.</p>
        </Empty>
      )}
      {items.length > 0 && (
        <TableFrame>
          <table className="table">
            <caption className="visually-hidden">Connectors in login-page order</caption>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Connector</th>
                <th scope="col">Type</th>
                <th scope="col">Where</th>
                <th scope="col">Health</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((connector, index) => (
                <tr key={connector.id}>
                  <td>{index + 1}</td>
                  <td>
                    {connectorDisplayName(connector.config as { id: string })}
                    {connectorDisplayName(connector.config as { id: string }) !== connector.id && (
                      <span className="muted mono"> ({connector.id})</span>
                    )}
                  </td>
                  <td>
                    <span className="badge">{connector.type}</span>
                  </td>
                  <td className="mono">{connectorSummary(connector.config)}</td>
                  <td>
                    {processes.data !== undefined ? (
                      <ConnectorHealthCell health={connectorHealth(connector.id, processes.data.processes)} />
                    ) : (
                      <span className="muted">{processes.isError ? 'Unknown: the workers’ reports could not be read' : 'Loading…'}</span>
                    )}
                  </td>
                  <td className="cell-actions">
                    <RowAction
                      label="↑"
                      accessibleName={`Move ${connector.id} up`}
                      disabled={index === 0 || move.isPending}
                      onClick={() => move.mutate({ id: connector.id, changes: { position: index - 1 } })}
                    />
                    <RowAction
                      label="↓"
                      accessibleName={`Move ${connector.id} down`}
                      disabled={index === items.length - 1 || move.isPending}
                      onClick={() => move.mutate({ id: connector.id, changes: { position: index + 1 } })}
                    />
                    <RowAction
                      label="Edit"
                      accessibleName={`Edit ${connector.id}`}
                      onClick={() => {
                        update.reset();
                        setDialog({ kind: 'edit', connector });
                      }}
                    />
                    <RowAction
                      label="Delete"
                      accessibleName={`Delete ${connector.id}`}
                      isDanger
                      onClick={() => {
                        remove.reset();
                        setDialog({ kind: 'delete', connector });
                      }}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableFrame>
      )}

      {dialog?.kind === 'create' && (
        <ConnectorFormDialog
          offeredTypes={offeredConnectorTypes(items)}
          isPending={create.isPending}
          error={create.error}
          onClose={close}
          onSubmit={(body) => create.mutate(body, { onSuccess: close })}
        />
      )}
      {dialog?.kind === 'edit' && (
        <ConnectorFormDialog
          connector={dialog.connector}
          isPending={update.isPending}
          error={update.error}
          onClose={close}
          onSubmit={(changes) => {
            if (Object.keys(changes).length === 0) {
              close();
              return;
            }
            update.mutate({ id: dialog.connector.id, changes }, { onSuccess: close });
          }}
        />
      )}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog
          title="Delete connector"
          confirmLabel="Delete connector"
          isPending={remove.isPending}
          error={remove.error}
          onClose={close}
          onConfirm={() => remove.mutate(dialog.connector.id, { onSuccess: close })}
        >
          <p>
            Delete the connector <strong>{dialog.connector.id}</strong> ({dialog.connector.type})? Users who log in only through it can no
            longer log in. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </Screen>
  );
}
