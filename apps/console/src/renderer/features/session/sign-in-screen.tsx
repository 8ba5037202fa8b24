import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { ConnectionProfile } from '#shared/console-api.ts';
import { useBridge } from '../../app/bridge-context.tsx';
import { WEB_PROFILE_ID } from '../../bridge/web-bridge.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { Field } from '../../components/field.tsx';
import { ErrorPanel, InlineError, Loading } from '../../components/states.tsx';
import { sessionQueries, useCancelSignIn, useConnect, useRemoveProfile, useSaveProfile, useSignInWithDex } from './queries.ts';

/**
 * Sign-in. Web: "Sign in with dex" (the overlord runs the OIDC sign-in through the
 * deployment's worker and keeps the session), or break-glass with the admin secret of the
 * overlord that served the page. Desktop: pick a saved connection and sign in with dex (the
 * system browser; the session stays in the main process) or connect with its saved admin
 * secret (break-glass), or add one.
 */
export function SignInScreen(props: { startupError?: unknown; onRetryStartup?: () => void }) {
  const bridge = useBridge();
  return (
    <main className="sign-in" id="main">
      <div className="sign-in-card">
        <p className="brand brand-large" aria-hidden="true">
          <span className="brand-mark">dex</span> console
        </p>
        <h1>Sign in</h1>
        {props.startupError !== undefined && props.startupError !== null && (
          <ErrorPanel error={props.startupError} {...(props.onRetryStartup === undefined ? {} : { onRetry: props.onRetryStartup })} />
        )}
        {bridge.profiles === undefined ? <WebSignIn /> : <DesktopSignIn />}
      </div>
    </main>
  );
}

function WebSignIn() {
  return (
    <>
      {/* A navigation, not a fetch: the overlord sends the browser to dex and back; no token reaches this page. */}
      <a className="button button-primary button-block" href={SIGN_IN_WITH_DEX_PATH}>
        Sign in with dex
      </a>
      <p className="muted">As an admin user of this dex. When dex itself is down, use the break-glass sign-in:</p>
      <WebBreakGlassForm />
    </>
  );
}

/** Where the overlord starts the sign-in through dex (`GET /console/sign-in`). */
const SIGN_IN_WITH_DEX_PATH = '/console/sign-in';

function WebBreakGlassForm() {
  const [secret, setSecret] = useState('');
  const connect = useConnect();
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    connect.mutate({ profileId: WEB_PROFILE_ID, secret });
  };
  return (
    <form onSubmit={onSubmit} className="form" aria-label="Sign in with the admin secret">
      <h2>Break-glass</h2>
      <p className="muted">
        Enter this overlord&apos;s admin API secret (<code>--admin-api-secret</code>). It is sent once and exchanged for a session the
        overlord holds; this page does not keep it.
      </p>
      <Field label="Admin API secret" isRequired>
        {({ id, describedBy }) => (
          <input
            id={id}
            type="password"
            autoComplete="off"
            spellCheck={false}
            required
            value={secret}
            onChange={(event) => setSecret(event.target.value)}
            aria-describedby={describedBy}
          />
        )}
      </Field>
      <InlineError error={connect.error} />
      <button type="submit" className="button button-primary button-block" disabled={connect.isPending}>
        {connect.isPending ? 'Checking the secret…' : 'Sign in'}
      </button>
    </form>
  );
}

function DesktopSignIn() {
  const bridge = useBridge();
  const profiles = useQuery(sessionQueries.profiles(bridge));
  const connect = useConnect();
  const signIn = useSignInWithDex();
  const cancelSignIn = useCancelSignIn();
  const isBusy = connect.isPending || signIn.isPending;
  const remove = useRemoveProfile();
  const [removing, setRemoving] = useState<ConnectionProfile | null>(null);
  const [connectingId, setConnectingId] = useState<string | null>(null);

  return (
    <div className="form">
      <h2>Saved connections</h2>
      {profiles.isPending && <Loading label="Loading saved connections…" />}
      {profiles.isError && <ErrorPanel error={profiles.error} onRetry={() => void profiles.refetch()} />}
      {profiles.data !== undefined && profiles.data.length === 0 && (
        <p className="muted">No saved connection yet: add your first overlord below.</p>
      )}
      {profiles.data !== undefined && profiles.data.length > 0 && (
        <ul className="profile-list">
          {profiles.data.map((profile) => (
            <li key={profile.id} className="profile">
              <div>
                <strong>{profile.name}</strong>
                <span className="muted mono">{profile.baseUrl}</span>
              </div>
              <div className="button-row">
                <button
                  type="button"
                  className="button button-primary button-small"
                  disabled={isBusy}
                  onClick={() => {
                    setConnectingId(profile.id);
                    connect.reset();
                    signIn.mutate({ profileId: profile.id });
                  }}
                  aria-label={`Sign in with dex to ${profile.name}`}
                >
                  {signIn.isPending && connectingId === profile.id ? 'Waiting for the browser…' : 'Sign in with dex'}
                </button>
                <button
                  type="button"
                  className="button button-small"
                  disabled={isBusy}
                  onClick={() => {
                    setConnectingId(profile.id);
                    signIn.reset();
                    connect.mutate({ profileId: profile.id });
                  }}
                  aria-label={`Connect to ${profile.name} with the admin secret`}
                >
                  {connect.isPending && connectingId === profile.id ? 'Connecting…' : 'Admin secret'}
                </button>
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => setRemoving(profile)}
                  aria-label={`Remove ${profile.name}`}
                >
                  Remove
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {signIn.isPending && (
        <div className="button-row">
          <p className="muted" role="status">
            Sign in as an admin user in the browser window that opened; this screen continues once you are back.
          </p>
          <button type="button" className="button button-small" onClick={() => cancelSignIn.mutate()}>
            Cancel sign-in
          </button>
        </div>
      )}
      <InlineError error={signIn.error ?? connect.error} />
      <p className="muted">
        Sign in with dex as an admin user of the deployment. The admin secret is the break-glass way in, for when dex itself is down.
      </p>
      <AddProfileForm />
      {removing !== null && (
        <ConfirmDialog
          title="Remove connection"
          confirmLabel="Remove"
          isPending={remove.isPending}
          error={remove.error}
          onClose={() => setRemoving(null)}
          onConfirm={() => remove.mutate(removing.id, { onSuccess: () => setRemoving(null) })}
        >
          <p>
            Remove the saved connection <strong>{removing.name}</strong> ({removing.baseUrl}) and its stored secret from this computer? The
            overlord itself is not changed.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function AddProfileForm() {
  const save = useSaveProfile();
  const [name, setName] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [secret, setSecret] = useState('');
  const urlProblem =
    baseUrl === '' || /^https?:\/\/[^\s/]+/.test(baseUrl) ? undefined : 'Enter the admin API URL, like http://127.0.0.1:5557';
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (urlProblem !== undefined) return;
    save.mutate(
      { name: name.trim(), baseUrl: baseUrl.trim(), ...(secret === '' ? {} : { secret }) },
      {
        onSuccess: () => {
          setName('');
          setBaseUrl('');
          setSecret('');
        },
      },
    );
  };
  return (
    <form onSubmit={onSubmit} className="form form-section" aria-label="Add a connection">
      <h2>Add a connection</h2>
      <Field label="Name" isRequired hint="What you call this deployment: production, staging…">
        {({ id, describedBy }) => (
          <input id={id} required value={name} onChange={(event) => setName(event.target.value)} aria-describedby={describedBy} />
        )}
      </Field>
      <Field label="Admin API URL" isRequired hint="The overlord's --admin-listen address." error={urlProblem}>
        {({ id, describedBy, isInvalid }) => (
          <input
            id={id}
            type="url"
            required
            placeholder="http://127.0.0.1:5557"
            value={baseUrl}
            onChange={(event) => setBaseUrl(event.target.value)}
            aria-describedby={describedBy}
            aria-invalid={isInvalid}
          />
        )}
      </Field>
      <Field
        label="Admin API secret (break-glass)"
        hint="Optional: leave it empty to sign in with dex only. Stored encrypted by the operating system; never shown again."
      >
        {({ id, describedBy }) => (
          <input
            id={id}
            type="password"
            autoComplete="off"
            value={secret}
            onChange={(event) => setSecret(event.target.value)}
            aria-describedby={describedBy}
          />
        )}
      </Field>
      <InlineError error={save.error} />
      <button type="submit" className="button" disabled={save.isPending}>
        {save.isPending ? 'Saving…' : 'Save connection'}
      </button>
    </form>
  );
}
