import type { ReactNode } from 'react';
import { Dialog } from './dialog.tsx';
import { InlineError } from './states.tsx';

export interface ConfirmDialogProps {
  title: string;
  /** What will happen, naming the object ("Delete the client “Billing” (billing-app)?"). */
  children: ReactNode;
  confirmLabel: string;
  /** `danger` for what cannot be undone. */
  tone?: 'danger' | 'primary';
  isPending: boolean;
  error: unknown;
  onConfirm: () => void;
  onClose: () => void;
}

/** A yes/no question before an action that cannot be undone. Cancel has the focus first. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  return (
    <Dialog title={props.title} onClose={props.onClose} description={props.children}>
      <InlineError error={props.error} />
      <div className="dialog-actions">
        <button type="button" className="button" onClick={props.onClose}>
          Cancel
        </button>
        <button
          type="button"
          className={`button ${props.tone === 'primary' ? 'button-primary' : 'button-danger'}`}
          onClick={props.onConfirm}
          disabled={props.isPending}
        >
          {props.isPending ? 'Working…' : props.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
