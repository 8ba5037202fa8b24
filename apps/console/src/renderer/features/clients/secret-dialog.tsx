import { CopyButton } from '../../components/copy-button.tsx';
import { Dialog } from '../../components/dialog.tsx';

/**
 * A client secret, shown once: after creating a client or rotating its secret. Closing the
 * dialog drops it from memory; the API never shows it again.
 */
export function SecretDialog(props: { title: string; clientId: string; secret: string; onClose: () => void }) {
  return (
    <Dialog
      title={props.title}
      onClose={props.onClose}
      description={<p className="callout callout-warning">Copy the secret now: this is the only time it is shown.</p>}
    >
      <dl className="details">
        <dt>Client ID</dt>
        <dd>
          <code className="secret-value" data-testid="client-id">
            {props.clientId}
          </code>
          <CopyButton text={props.clientId} label="Copy client ID" />
        </dd>
        <dt>Client secret</dt>
        <dd>
          <code className="secret-value" data-testid="client-secret">
            {props.secret}
          </code>
          <CopyButton text={props.secret} label="Copy secret" />
        </dd>
      </dl>
      <div className="dialog-actions">
        <button type="button" className="button button-primary" onClick={props.onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
