import type { TUser } from '@dex/shared/admin-api';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';

/** Asks before deleting a user for good (there is no undo; disabling is the reversible choice). */
export function UserDeleteDialog(props: { user: TUser; isPending: boolean; error: unknown; onConfirm: () => void; onClose: () => void }) {
  return (
    <ConfirmDialog
      title="Delete user"
      confirmLabel="Delete user"
      isPending={props.isPending}
      error={props.error}
      onClose={props.onClose}
      onConfirm={props.onConfirm}
    >
      <p>
        Delete <strong>{props.user.email}</strong> for good? Their password, linked identities, refresh tokens and sessions are removed, and
        applications lose access at once. To keep the account but stop logins, disable it instead.
      </p>
    </ConfirmDialog>
  );
}
