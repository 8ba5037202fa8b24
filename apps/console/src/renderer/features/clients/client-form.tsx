import { redirectUriProblem, type TClient, type TCreateClientRequest } from '@dex/shared/admin-api';
import { type FormEvent, useRef, useState } from 'react';
import { Dialog } from '../../components/dialog.tsx';
import { CheckboxField, Field } from '../../components/field.tsx';
import { InlineError } from '../../components/states.tsx';
import { useFieldVisits, useFocusFirstInvalid } from '../../components/use-field-visits.ts';

interface ClientDraft {
  id: string;
  name: string;
  redirectUris: string;
  logoUri: string;
  clientUri: string;
  trustedPeers: string;
  isPublic: boolean;
  isAdmin: boolean;
  isTrusted: boolean;
  accessTokenFormat: 'opaque' | 'jwt';
}

type DraftProblems = Partial<Record<keyof ClientDraft, string>> & {
  /** Every bad line of the redirect URIs, with its 1-based line number in the text area. */
  redirectUriLines?: { line: number; problem: string }[];
};

const lines = (text: string) =>
  text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter((line) => line !== '');

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Every line of the redirect URIs the server would refuse, by line number (blank lines skipped),
 * with the server's own rule and wording.
 * @example redirectUriLineProblems('https://a/cb\nftp://b') // [{ line: 2, problem: '"ftp://b" must use http or https' }]
 */
export function redirectUriLineProblems(text: string): { line: number; problem: string }[] {
  return text.split('\n').flatMap((line, index) =>
    lines(line).flatMap((uri) => {
      const problem = redirectUriProblem(uri);
      return problem === undefined ? [] : [{ line: index + 1, problem }];
    }),
  );
}

/** The problems the server would refuse, found while typing. The server still checks everything. */
export function checkClientDraft(draft: ClientDraft, options: { isNew: boolean }): DraftProblems {
  const problems: DraftProblems = {};
  if (options.isNew && draft.id.trim() !== '' && !/^[\x21-\x7e]{1,255}$/.test(draft.id.trim())) {
    problems.id = 'A client ID is 1 to 255 printable characters without spaces.';
  }
  const uris = lines(draft.redirectUris);
  const badLines = redirectUriLineProblems(draft.redirectUris);
  if (badLines.length > 0) {
    problems.redirectUriLines = badLines;
    problems.redirectUris = badLines.length === 1 ? '1 redirect URI is invalid.' : `${badLines.length} redirect URIs are invalid.`;
  } else if (!draft.isPublic && uris.length === 0) problems.redirectUris = 'A confidential client needs at least one redirect URI.';
  if (draft.isPublic && draft.name.trim() === '') problems.name = 'A public client needs a name (users see it).';
  if (draft.name.length > 255) problems.name = 'At most 255 characters.';
  if (draft.logoUri !== '' && !isHttpUrl(draft.logoUri)) problems.logoUri = 'Must be an http(s) URL.';
  if (draft.clientUri !== '' && !isHttpUrl(draft.clientUri)) problems.clientUri = 'Must be an http(s) URL.';
  return problems;
}

function draftOf(client: TClient | undefined): ClientDraft {
  return {
    id: client?.id ?? '',
    name: client?.name ?? '',
    redirectUris: client?.redirectUris.join('\n') ?? '',
    logoUri: client?.logoUri ?? '',
    clientUri: client?.clientUri ?? '',
    trustedPeers: client?.trustedPeers.join('\n') ?? '',
    isPublic: client?.public ?? false,
    isAdmin: client?.admin ?? false,
    isTrusted: client?.trusted ?? false,
    accessTokenFormat: client?.accessTokenFormat ?? 'opaque',
  };
}

/** The request a draft stands for (the create body; an edit sends the same fields as a PATCH). */
export function requestOf(draft: ClientDraft): TCreateClientRequest {
  return {
    ...(draft.id.trim() === '' ? {} : { id: draft.id.trim() }),
    name: draft.name.trim(),
    redirectUris: lines(draft.redirectUris),
    logoUri: draft.logoUri.trim() === '' ? null : draft.logoUri.trim(),
    clientUri: draft.clientUri.trim() === '' ? null : draft.clientUri.trim(),
    trustedPeers: lines(draft.trustedPeers),
    public: draft.isPublic,
    admin: draft.isAdmin,
    trusted: draft.isTrusted,
    accessTokenFormat: draft.accessTokenFormat,
  };
}

export interface ClientFormProps {
  /** The client to edit; a new one when undefined. */
  client?: TClient;
  isPending: boolean;
  error: unknown;
  onSubmit: (request: TCreateClientRequest) => void;
  onClose: () => void;
}

/** Create or edit a client: redirect URIs one per line, flags, the optional URIs. */
export function ClientFormDialog(props: ClientFormProps) {
  const isNew = props.client === undefined;
  const [draft, setDraft] = useState<ClientDraft>(() => draftOf(props.client));
  const formRef = useRef<HTMLFormElement>(null);
  const visits = useFieldVisits();
  const focusFirstInvalid = useFocusFirstInvalid(formRef);
  const problems = checkClientDraft(draft, { isNew });
  // A field's problem shows once the field was left or a save tried, never while it is first typed in.
  const shown = (field: keyof ClientDraft) => (visits.isShown(field) ? problems[field] : undefined);
  const leave = (field: keyof ClientDraft) => () => visits.leave(field);
  const set = <K extends keyof ClientDraft>(field: K, value: ClientDraft[K]) => setDraft((current) => ({ ...current, [field]: value }));

  const badLines = shown('redirectUris') === undefined ? [] : (problems.redirectUriLines ?? []);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    visits.submitted();
    if (Object.keys(problems).length > 0) {
      focusFirstInvalid();
      return;
    }
    props.onSubmit(requestOf(draft));
  };

  return (
    <Dialog title={isNew ? 'New client' : `Edit ${props.client?.name || props.client?.id}`} onClose={props.onClose} size="wide">
      <form ref={formRef} className="form" onSubmit={onSubmit} noValidate aria-label={isNew ? 'New client' : 'Edit client'}>
        <div className="form-grid">
          {isNew && (
            <Field label="Client ID" hint="Leave empty to generate one." error={shown('id')}>
              {({ id, describedBy, isInvalid }) => (
                <input
                  id={id}
                  value={draft.id}
                  onChange={(event) => set('id', event.target.value)}
                  onBlur={leave('id')}
                  aria-describedby={describedBy}
                  aria-invalid={isInvalid}
                  spellCheck={false}
                />
              )}
            </Field>
          )}
          <Field label="Name" hint="Shown to users when they log in." error={shown('name')}>
            {({ id, describedBy, isInvalid }) => (
              <input
                id={id}
                value={draft.name}
                onChange={(event) => set('name', event.target.value)}
                onBlur={leave('name')}
                aria-describedby={describedBy}
                aria-invalid={isInvalid}
              />
            )}
          </Field>
        </div>
        <Field
          label="Redirect URIs"
          hint="One per line, http(s). They must match exactly what the application sends."
          error={shown('redirectUris')}
          isRequired={!draft.isPublic}
        >
          {({ id, describedBy, isInvalid }) => (
            <textarea
              id={id}
              rows={3}
              className="mono"
              spellCheck={false}
              value={draft.redirectUris}
              onChange={(event) => set('redirectUris', event.target.value)}
              onBlur={leave('redirectUris')}
              aria-describedby={describedBy}
              aria-invalid={isInvalid}
              placeholder="https://app.example.com/callback"
            />
          )}
        </Field>
        {badLines.length > 0 && (
          <ul className="line-problems" aria-label="Invalid redirect URIs">
            {badLines.map(({ line, problem }) => (
              <li key={`${line}-${problem}`} className="field-error">
                Line {line}: {problem}
              </li>
            ))}
          </ul>
        )}
        <div className="form-grid">
          <CheckboxField
            label="Public client"
            checked={draft.isPublic}
            onChange={(checked) => set('isPublic', checked)}
            hint="A native or single-page app that cannot keep a secret: it must use PKCE."
          />
          <CheckboxField
            label="Admin client"
            checked={draft.isAdmin}
            onChange={(checked) => set('isAdmin', checked)}
            hint="May use dex's admin features (dex v0's isAdmin)."
          />
          <CheckboxField
            label="Trusted client"
            checked={draft.isTrusted}
            onChange={(checked) => set('isTrusted', checked)}
            hint="Users are not asked to approve it at login."
          />
          <Field label="Access token format" hint="JWTs (RFC 9068) let resource servers verify tokens without asking dex.">
            {({ id, describedBy }) => (
              <select
                id={id}
                value={draft.accessTokenFormat}
                onChange={(event) => set('accessTokenFormat', event.target.value === 'jwt' ? 'jwt' : 'opaque')}
                aria-describedby={describedBy}
              >
                <option value="opaque">Opaque</option>
                <option value="jwt">JWT</option>
              </select>
            )}
          </Field>
        </div>
        <details className="more">
          <summary>More settings</summary>
          <div className="form-grid">
            <Field label="Logo URI" hint="Shown with the name on the login and approval pages." error={shown('logoUri')}>
              {({ id, describedBy, isInvalid }) => (
                <input
                  id={id}
                  type="url"
                  value={draft.logoUri}
                  onChange={(event) => set('logoUri', event.target.value)}
                  onBlur={leave('logoUri')}
                  aria-describedby={describedBy}
                  aria-invalid={isInvalid}
                />
              )}
            </Field>
            <Field label="Client URI" hint="The application's home page." error={shown('clientUri')}>
              {({ id, describedBy, isInvalid }) => (
                <input
                  id={id}
                  type="url"
                  value={draft.clientUri}
                  onChange={(event) => set('clientUri', event.target.value)}
                  onBlur={leave('clientUri')}
                  aria-describedby={describedBy}
                  aria-invalid={isInvalid}
                />
              )}
            </Field>
          </div>
          <Field label="Trusted peers" hint="Client IDs that may ask for tokens for this client (cross-client audience), one per line.">
            {({ id, describedBy }) => (
              <textarea
                id={id}
                rows={2}
                className="mono"
                value={draft.trustedPeers}
                onChange={(event) => set('trustedPeers', event.target.value)}
                aria-describedby={describedBy}
              />
            )}
          </Field>
        </details>
        <InlineError error={props.error} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={props.isPending}>
            {props.isPending ? 'Saving…' : isNew ? 'Create client' : 'Save changes'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
