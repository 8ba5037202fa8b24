import type { TCreateUserRequest } from '@dex/shared/admin-api';
import { AppError } from '@dex/shared/errors';
import { type FormEvent, useId, useState } from 'react';
import { Dialog } from '../../components/dialog.tsx';
import { CheckboxField, Field } from '../../components/field.tsx';
import { InlineError } from '../../components/states.tsx';

/** How the new user gets in: an invitation email (they choose their password), or a password set here (or none). */
type Access = 'invitation' | 'password';

/**
 * A new user: email, display name, how they get in, flags. "Send an invitation email" creates
 * and invites in one request (`sendInvitation`); the overlord refuses it with 501 when it
 * cannot send user emails (no `--issuer`), and then the dialog offers the password only.
 */
export function UserFormDialog(props: {
  isPending: boolean;
  error: unknown;
  onSubmit: (request: TCreateUserRequest) => void;
  onClose: () => void;
}) {
  const canInvite = !(props.error instanceof AppError && props.error.code === 'NOT_IMPLEMENTED');
  const [chosenAccess, setAccess] = useState<Access>('invitation');
  const access: Access = canInvite ? chosenAccess : 'password';
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [isEmailVerified, setEmailVerified] = useState(false);
  const [isAdmin, setAdmin] = useState(false);
  const [isSubmitted, setSubmitted] = useState(false);
  const formId = useId();
  const emailProblem = /^[^\s@]+@[^\s@]+$/.test(email.trim()) ? undefined : 'Enter an email address, like ann@example.com.';

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (emailProblem !== undefined) return;
    props.onSubmit({
      email: email.trim(),
      ...(displayName.trim() === '' ? {} : { displayName: displayName.trim() }),
      ...(access === 'invitation' ? { sendInvitation: true } : password === '' ? {} : { password }),
      // An invitation verifies the email when it is followed.
      emailVerified: access === 'invitation' ? false : isEmailVerified,
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
        <fieldset className="choice-group">
          <legend>How they get in</legend>
          <div className="field field-checkbox">
            <input
              id={`${formId}-invitation`}
              type="radio"
              name="access"
              checked={access === 'invitation'}
              disabled={!canInvite}
              onChange={() => setAccess('invitation')}
              aria-describedby={`${formId}-invitation-hint`}
            />
            <label htmlFor={`${formId}-invitation`}>Send an invitation email</label>
            <p id={`${formId}-invitation-hint`} className="field-hint">
              {canInvite
                ? 'They get an "Activate your account" link, verify their email and choose their own password.'
                : 'This overlord cannot send user emails (it runs without --issuer): set a password instead.'}
            </p>
          </div>
          <div className="field field-checkbox">
            <input
              id={`${formId}-password`}
              type="radio"
              name="access"
              checked={access === 'password'}
              onChange={() => setAccess('password')}
            />
            <label htmlFor={`${formId}-password`}>Set a password now</label>
          </div>
        </fieldset>
        {access === 'password' && (
          <>
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
          </>
        )}
        <CheckboxField label="Administrator" checked={isAdmin} onChange={setAdmin} />
        <InlineError error={props.error} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={props.isPending}>
            {props.isPending ? 'Creating…' : access === 'invitation' ? 'Create and invite' : 'Create user'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
