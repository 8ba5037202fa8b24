import type { TCreateUserRequest } from '@dex/shared/admin-api';
import { type FormEvent, useState } from 'react';
import { Dialog } from '../../components/dialog.tsx';
import { CheckboxField, Field } from '../../components/field.tsx';
import { InlineError } from '../../components/states.tsx';

/** A new user: email, display name, an optional local password, flags. */
export function UserFormDialog(props: {
  isPending: boolean;
  error: unknown;
  onSubmit: (request: TCreateUserRequest) => void;
  onClose: () => void;
}) {
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [isEmailVerified, setEmailVerified] = useState(false);
  const [isAdmin, setAdmin] = useState(false);
  const [isSubmitted, setSubmitted] = useState(false);
  const emailProblem = /^[^\s@]+@[^\s@]+$/.test(email.trim()) ? undefined : 'Enter an email address, like ann@example.com.';

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (emailProblem !== undefined) return;
    props.onSubmit({
      email: email.trim(),
      ...(displayName.trim() === '' ? {} : { displayName: displayName.trim() }),
      ...(password === '' ? {} : { password }),
      emailVerified: isEmailVerified,
      admin: isAdmin,
    });
  };

  return (
    <Dialog title="New user" onClose={props.onClose}>
      <form className="form" onSubmit={onSubmit} noValidate aria-label="New user">
        <Field label="Email" isRequired error={isSubmitted || email !== '' ? emailProblem : undefined}>
          {({ id, describedBy, isInvalid }) => (
            <input
              id={id}
              type="email"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
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
        <Field label="Password" hint="For the local connector; the server hashes it. Leave empty for a user who logs in upstream only.">
          {({ id, describedBy }) => (
            <input
              id={id}
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              aria-describedby={describedBy}
            />
          )}
        </Field>
        <CheckboxField label="Email verified" checked={isEmailVerified} onChange={setEmailVerified} />
        <CheckboxField label="Administrator" checked={isAdmin} onChange={setAdmin} />
        <InlineError error={props.error} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={props.isPending}>
            {props.isPending ? 'Creating…' : 'Create user'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
