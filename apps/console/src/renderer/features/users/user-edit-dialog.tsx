import type { TUpdateUserRequest, TUser } from '@dex/shared/admin-api';
import { type FormEvent, useState } from 'react';
import { Dialog } from '../../components/dialog.tsx';
import { CheckboxField, Field } from '../../components/field.tsx';
import { InlineError } from '../../components/states.tsx';

/** The changes between a user and what the form holds: only the fields that differ (empty when none). */
export function userChanges(user: TUser, form: { email: string; displayName: string; isEmailVerified: boolean }): TUpdateUserRequest {
  const email = form.email.trim();
  const displayName = form.displayName.trim();
  return {
    ...(email.toLowerCase() === user.email ? {} : { email }),
    ...(displayName === user.displayName ? {} : { displayName }),
    ...(form.isEmailVerified === user.emailVerified ? {} : { emailVerified: form.isEmailVerified }),
  };
}

/**
 * Edits a user's name, email and verified flag. Changing the email clears "Email verified"
 * (the server treats a new address as unverified unless told otherwise), which the admin can
 * tick again. Sends only what changed; with nothing changed it just closes.
 */
export function UserEditDialog(props: {
  user: TUser;
  isPending: boolean;
  error: unknown;
  onSubmit: (changes: TUpdateUserRequest) => void;
  onClose: () => void;
}) {
  const { user } = props;
  const [email, setEmail] = useState(user.email);
  const [displayName, setDisplayName] = useState(user.displayName);
  const [isEmailVerified, setEmailVerified] = useState(user.emailVerified);
  const emailProblem = /^[^\s@]+@[^\s@]+$/.test(email.trim()) ? undefined : 'Enter an email address, like ann@example.com.';

  const onEmailChange = (value: string) => {
    setEmail(value);
    if (value.trim().toLowerCase() !== user.email) setEmailVerified(false);
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (emailProblem !== undefined) return;
    const changes = userChanges(user, { email, displayName, isEmailVerified });
    if (Object.keys(changes).length === 0) props.onClose();
    else props.onSubmit(changes);
  };

  return (
    <Dialog title={`Edit ${user.email}`} onClose={props.onClose}>
      <form className="form" onSubmit={onSubmit} noValidate aria-label="Edit user">
        <Field label="Email" isRequired error={emailProblem}>
          {({ id, describedBy, isInvalid }) => (
            <input
              id={id}
              type="email"
              required
              value={email}
              onChange={(event) => onEmailChange(event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={isInvalid}
            />
          )}
        </Field>
        <Field label="Display name">
          {({ id, describedBy }) => (
            <input id={id} value={displayName} onChange={(event) => setDisplayName(event.target.value)} aria-describedby={describedBy} />
          )}
        </Field>
        <CheckboxField
          label="Email verified"
          checked={isEmailVerified}
          onChange={setEmailVerified}
          hint="ID tokens say email_verified: true only when this is ticked."
        />
        <InlineError error={props.error} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={props.isPending}>
            {props.isPending ? 'Saving…' : 'Save changes'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
