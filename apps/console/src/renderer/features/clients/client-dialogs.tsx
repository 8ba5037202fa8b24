import type { TClient } from '@dex/shared/admin-api';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { ClientFormDialog } from './client-form.tsx';
import { useCreateClient, useDeleteClient, useRotateClientSecret, useUpdateClient } from './queries.ts';
import { SecretDialog } from './secret-dialog.tsx';

/** The dialog open on the clients screen or a client's detail view. */
export type ClientDialog =
  | { kind: 'create' }
  | { kind: 'edit'; client: TClient }
  | { kind: 'delete'; client: TClient }
  | { kind: 'rotate'; client: TClient }
  | { kind: 'secret'; title: string; clientId: string; secret: string };

export const clientLabel = (client: TClient) => (client.name === '' ? client.id : client.name);

/**
 * The client dialogs (create with the secret shown once, edit, rotate the secret, delete), as
 * the list and the detail view both open them. Mount it with a `key` per dialog: each opening
 * starts with fresh mutation state.
 */
export function ClientDialogs(props: { dialog: ClientDialog; onChange: (dialog: ClientDialog | null) => void; onDeleted?: () => void }) {
  const { dialog } = props;
  const close = () => props.onChange(null);
  const setDialog = props.onChange;
  const create = useCreateClient();
  const update = useUpdateClient();
  const remove = useDeleteClient();
  const rotate = useRotateClientSecret();
  const onDeleted = () => {
    close();
    props.onDeleted?.();
  };

  return (
    <>
      {dialog.kind === 'create' && (
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
      {dialog.kind === 'edit' && (
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
      {dialog.kind === 'delete' && (
        <ConfirmDialog
          title="Delete client"
          confirmLabel="Delete client"
          isPending={remove.isPending}
          error={remove.error}
          onClose={close}
          onConfirm={() => remove.mutate(dialog.client.id, { onSuccess: onDeleted })}
        >
          <p>
            Delete the client <strong>{clientLabel(dialog.client)}</strong> (<code>{dialog.client.id}</code>)? Its users can no longer log
            in through it and its refresh tokens stop working. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
      {dialog.kind === 'rotate' && (
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
      {dialog.kind === 'secret' && <SecretDialog title={dialog.title} clientId={dialog.clientId} secret={dialog.secret} onClose={close} />}
    </>
  );
}
