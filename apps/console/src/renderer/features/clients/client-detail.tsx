import type { TClient } from '@dex/shared/admin-api';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useBridge } from '../../app/bridge-context.tsx';
import { hrefOf } from '../../app/router.ts';
import { CopyButton } from '../../components/copy-button.tsx';
import { formatDateTime } from '../../components/format.ts';
import { Screen } from '../../components/screen.tsx';
import { Loading } from '../../components/states.tsx';
import { type ClientDialog, ClientDialogs, clientLabel } from './client-dialogs.tsx';
import { clientQueries } from './queries.ts';

const yesNo = (value: boolean, yes: string, no: string) => (value ? yes : no);

/** One setting: its name, its value and what it means for the client's users. */
function Setting(props: { name: string; children: ReactNode; hint?: string }) {
  return (
    <>
      <dt>{props.name}</dt>
      <dd>
        <span>{props.children}</span>
        {props.hint !== undefined && <span className="small muted">{props.hint}</span>}
      </dd>
    </>
  );
}

function UriList(props: { uris: readonly string[]; label: string }) {
  if (props.uris.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="uri-list mono" aria-label={props.label}>
      {props.uris.map((uri) => (
        <li key={uri}>{uri}</li>
      ))}
    </ul>
  );
}

function ClientSettings(props: { client: TClient }) {
  const { client } = props;
  return (
    <dl className="details details-panel" aria-label="Settings">
      <Setting name="Client ID">
        <code className="secret-value" data-testid="client-detail-id">
          {client.id}
        </code>
        <CopyButton text={client.id} label="Copy client ID" />
      </Setting>
      <Setting name="Name on the login page" hint="Users see it when they log in and approve the client.">
        {client.name === '' ? <span className="muted">none (the client ID is shown)</span> : client.name}
      </Setting>
      <Setting name="Logo URI">{client.logoUri ?? <span className="muted">none</span>}</Setting>
      <Setting name="Client URI">{client.clientUri ?? <span className="muted">none</span>}</Setting>
      <Setting name="Redirect URIs">
        <UriList uris={client.redirectUris} label="Redirect URIs" />
      </Setting>
      <Setting name="Kind" hint={client.public ? 'Cannot keep a secret: PKCE is required.' : 'Authenticates with its secret.'}>
        {yesNo(client.public, 'Public', 'Confidential')}
      </Setting>
      <Setting name="Admin client">{yesNo(client.admin, 'Yes', 'No')}</Setting>
      <Setting name="Trusted" hint={client.trusted ? 'Users are not asked to approve it.' : 'Users approve it at their first login.'}>
        {yesNo(client.trusted, 'Yes', 'No')}
      </Setting>
      <Setting name="Access token format">{client.accessTokenFormat === 'jwt' ? 'JWT (RFC 9068)' : 'Opaque'}</Setting>
      <Setting name="Trusted peers">
        <UriList uris={client.trustedPeers} label="Trusted peers" />
      </Setting>
      <Setting name="Registered by">{yesNo(client.registered, 'the application (dynamic registration)', 'an administrator')}</Setting>
      <Setting name="Created">{formatDateTime(client.createdAt)}</Setting>
      <Setting name="Updated">{formatDateTime(client.updatedAt)}</Setting>
    </dl>
  );
}

/** One client with every setting, its id to copy, and its actions (edit, rotate the secret, delete) at hand. */
export function ClientDetail(props: { clientId: string }) {
  const bridge = useBridge();
  const client = useQuery(clientQueries.detail(bridge, props.clientId));
  const [dialog, setDialog] = useState<ClientDialog | null>(null);
  const backToList = () => {
    window.location.hash = hrefOf('clients');
  };

  if (client.data === undefined) {
    return (
      <Screen title="Client">
        <Loading label="Loading the client…" />
      </Screen>
    );
  }
  const shown = client.data;
  return (
    <Screen
      title={`Client ${clientLabel(shown)}`}
      summary={
        <a href={hrefOf('clients')} className="back-link">
          ← All clients
        </a>
      }
      actions={
        <>
          <button type="button" className="button" onClick={() => setDialog({ kind: 'edit', client: shown })}>
            Edit
          </button>
          {!shown.public && (
            <button type="button" className="button" onClick={() => setDialog({ kind: 'rotate', client: shown })}>
              Rotate secret
            </button>
          )}
          <button type="button" className="button button-danger" onClick={() => setDialog({ kind: 'delete', client: shown })}>
            Delete
          </button>
        </>
      }
    >
      <ClientSettings client={shown} />
      {dialog !== null && <ClientDialogs key={dialog.kind} dialog={dialog} onChange={setDialog} onDeleted={backToList} />}
    </Screen>
  );
}
