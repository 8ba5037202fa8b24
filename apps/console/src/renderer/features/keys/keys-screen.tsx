import type { TSigningKey, TSigningKeyState } from '@dex/shared/admin-api';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useBridge } from '../../app/bridge-context.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { formatDateTime, formatDuration, formatRelative } from '../../components/format.ts';
import { Screen } from '../../components/screen.tsx';
import { Empty, Loading } from '../../components/states.tsx';
import { useNow } from '../../components/use-now.ts';
import { keyKeys, keyQueries, useRotateKeys } from './queries.ts';
import { useRefetchAt } from './use-refetch-at.ts';

const STATE_LABELS: Readonly<Record<TSigningKeyState, string>> = { next: 'Next', active: 'Active', retired: 'Retired' };
const STATE_ORDER: Readonly<Record<TSigningKeyState, number>> = { next: 0, active: 1, retired: 2 };

/** What each key's window means, in words. */
function windowText(key: TSigningKey, now: number): string {
  switch (key.state) {
    case 'next':
      return `Published; signs from ${formatDateTime(key.activatesAt)} (${formatRelative(key.activatesAt, now)})`;
    case 'active':
      return key.retiresAt === null
        ? `Signs since ${formatDateTime(key.activatesAt)}`
        : `Signs since ${formatDateTime(key.activatesAt)}, until ${formatDateTime(key.retiresAt)} (${formatRelative(key.retiresAt, now)})`;
    case 'retired':
      return key.expiresAt === null
        ? `Retired ${key.retiresAt === null ? '' : formatDateTime(key.retiresAt)}; still published`
        : `Retired ${key.retiresAt === null ? '' : formatDateTime(key.retiresAt)}; published until ${formatDateTime(key.expiresAt)} so its tokens verify`;
  }
}

/** The signing key chain as a timeline (next, active, retired), the countdown to the next rotation, and rotate now. */
export function KeysScreen() {
  const bridge = useBridge();
  const keys = useQuery(keyQueries.list(bridge));
  const rotate = useRotateKeys();
  const [isConfirming, setConfirming] = useState(false);
  const now = useNow();
  useRefetchAt(keyKeys.all, keys.data?.nextRotationAt);

  const sorted = [...(keys.data?.keys ?? [])].sort(
    (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || Date.parse(b.activatesAt) - Date.parse(a.activatesAt),
  );
  const active = sorted.find((key) => key.state === 'active');

  return (
    <Screen
      title="Signing keys"
      summary="The keys that sign ID tokens. The overlord rotates them on schedule; workers publish the next key before it signs."
      actions={
        <button
          type="button"
          className="button button-primary"
          onClick={() => {
            rotate.reset();
            setConfirming(true);
          }}
        >
          Rotate now
        </button>
      }
    >
      {keys.isPending && <Loading label="Loading signing keys…" />}
      {keys.data !== undefined && (
        <>
          <dl className="stats">
            <div className="stat">
              <dt>Active key</dt>
              <dd className="mono" data-testid="active-kid">
                {active?.kid ?? 'none'}
              </dd>
            </div>
            <div className="stat">
              <dt>Next rotation</dt>
              <dd>
                {keys.data.nextRotationAt === null ? (
                  'Not scheduled'
                ) : (
                  <>
                    <span className="stat-value" role="timer" aria-live="off">
                      {formatRelative(keys.data.nextRotationAt, now)}
                    </span>
                    <span className="muted"> at {formatDateTime(keys.data.nextRotationAt)}</span>
                  </>
                )}
              </dd>
            </div>
            <div className="stat">
              <dt>Key period</dt>
              <dd>{formatDuration(keys.data.keyPeriodSeconds * 1000)}</dd>
            </div>
          </dl>
          {sorted.length === 0 ? (
            <Empty title="No signing keys yet">
              <p className="muted">The overlord creates the first key when it starts; “Rotate now” creates one at once.</p>
            </Empty>
          ) : (
            <ol className="timeline" aria-label="Key timeline">
              {sorted.map((key) => (
                <li key={key.kid} className={`timeline-item timeline-${key.state}`}>
                  <div className="timeline-marker" aria-hidden="true" />
                  <div className="timeline-body">
                    <p>
                      <span className={`badge badge-${key.state}`}>{STATE_LABELS[key.state]}</span> <code className="mono">{key.kid}</code>{' '}
                      <span className="muted">{key.alg}</span>
                    </p>
                    <p className="muted">{windowText(key, now)}</p>
                    <p className="muted small">Created {formatDateTime(key.createdAt)}</p>
                  </div>
                </li>
              ))}
            </ol>
          )}
        </>
      )}
      {isConfirming && (
        <ConfirmDialog
          title="Rotate signing keys"
          confirmLabel="Rotate now"
          tone="primary"
          isPending={rotate.isPending}
          error={rotate.error}
          onClose={() => setConfirming(false)}
          onConfirm={() => rotate.mutate(undefined, { onSuccess: () => setConfirming(false) })}
        >
          <p>
            Retire the active key{active === undefined ? '' : ` (${active.kid})`} now and sign with a new one? Tokens it signed keep
            verifying while it stays published. Workers pick up the new key within a minute.
          </p>
        </ConfirmDialog>
      )}
    </Screen>
  );
}
