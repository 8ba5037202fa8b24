import type { TSentUserEmail, TUser } from '@dex/shared/admin-api';
import { useState } from 'react';
import { useToasts } from '../../app/toasts.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { CopyButton } from '../../components/copy-button.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { RowAction } from '../../components/row-action.tsx';
import { useSendUserEmail } from './queries.ts';

type Kind = 'invitation' | 'password-reset';

const WHAT: Readonly<Record<Kind, { action: string; title: string; sent: string; question: string }>> = {
  invitation: {
    action: 'Send invitation',
    title: 'Send invitation',
    sent: 'Invitation sent to',
    question: 'Email an "Activate your account" link to',
  },
  'password-reset': {
    action: 'Send password reset',
    title: 'Send password reset',
    sent: 'Password reset link sent to',
    question: 'Email a link to choose a new password to',
  },
};

/**
 * The users screen's email actions for one row: "Send invitation" (users who have not
 * verified their email) and "Send password reset", each confirmed first. When the overlord
 * has no emailer the link comes back instead, and a dialog shows it to copy and pass on.
 */
export function UserEmailActions(props: { user: TUser }) {
  const { user } = props;
  const toasts = useToasts();
  const send = useSendUserEmail();
  const [asking, setAsking] = useState<Kind | null>(null);
  const [link, setLink] = useState<{ kind: Kind; url: string } | null>(null);
  const open = (kind: Kind) => {
    send.reset();
    setAsking(kind);
  };
  const onSent = (kind: Kind, result: TSentUserEmail) => {
    setAsking(null);
    if (result.emailSent) toasts.push({ tone: 'success', text: `${WHAT[kind].sent} ${user.email}` });
    else if (result.resetPasswordLink !== undefined) setLink({ kind, url: result.resetPasswordLink });
    else toasts.push({ tone: 'error', text: `The email to ${user.email} could not be sent; the overlord's log says why.` });
  };

  return (
    <>
      {!user.emailVerified && !user.disabled && (
        <RowAction label="Send invitation" accessibleName={`Send invitation to ${user.email}`} onClick={() => open('invitation')} />
      )}
      {!user.disabled && (
        <RowAction
          label="Send password reset"
          accessibleName={`Send password reset to ${user.email}`}
          onClick={() => open('password-reset')}
        />
      )}
      {asking !== null && (
        <ConfirmDialog
          title={WHAT[asking].title}
          confirmLabel={WHAT[asking].action}
          tone="primary"
          isPending={send.isPending}
          error={send.error}
          onClose={() => setAsking(null)}
          onConfirm={() => send.mutate({ id: user.id, kind: asking }, { onSuccess: (result) => onSent(asking, result) })}
        >
          <p>
            {WHAT[asking].question} <strong>{user.email}</strong>?
          </p>
        </ConfirmDialog>
      )}
      {link !== null && <SentLinkDialog kind={link.kind} url={link.url} email={user.email} onClose={() => setLink(null)} />}
    </>
  );
}

/** The link an overlord without an emailer answered instead of sending it, to copy and pass on. */
export function SentLinkDialog(props: { kind: Kind; url: string; email: string; onClose: () => void }) {
  return (
    <Dialog
      title={props.kind === 'invitation' ? 'Invitation link' : 'Password reset link'}
      onClose={props.onClose}
      description={<p>No emailer is configured on the overlord (--email-cfg): give this link to {props.email} yourself. It works once.</p>}
    >
      <input className="input" readOnly value={props.url} aria-label="Link" onFocus={(event) => event.currentTarget.select()} />
      <div className="dialog-actions">
        <CopyButton text={props.url} label="Copy link" />
        <button type="button" className="button" onClick={props.onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
