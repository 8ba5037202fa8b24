import type { TSigningKey, TSigningKeyState } from '@dex/shared/admin-api';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useBridge } from '../../app/bridge-context.tsx';
import { useToasts } from '../../app/toasts.tsx';
import { formatDateTime, formatDuration, formatRelative } from '../../components/format.ts';
import { Screen } from '../../components/screen.tsx';
import { Empty, Loading } from '../../components/states.tsx';
import { useNow } from '../../components/use-now.ts';
import { describeRotation, rotationFromResult, scheduledRotations } from './key-rotation.ts';
import { formatInstant } from './format-instant.ts';
import { keyKeys, keyQueries, useRotateKeys } from './queries.ts';
import { RotateKeysDialog } from './rotate-keys-dialog.tsx';
import { useRefetchAt } from './use-refetch-at.ts';

const STATE_LABELS: Readonly<Record<TSigningKeyState, string>> = { next: 'Next', active: 'Active', retired: 'Retired' };
const STATE_ORDER: Readonly<Record<TSigningKeyState, number>> = { next: 0, active: 1, retired: 2 };

/** An instant to the second, and where it is from now. */
function Instant(props: { iso: string | null; now: number; fallback?: string }) {
  if (props.iso === null) return <>{props.fallback ?? '—'}</>;
  return (
    <>
      <time dateTime={props.iso}>{formatInstant(props.iso)}</time> <span className="muted">({formatRelative(props.iso, props.now)})</span>
    </>
  );
}

/** A key's exact windows: in the JWKS from its creation to its expiry; signing from its activation to its retirement. */
function KeyWindows(props: { signingKey: TSigningKey; now: number }) {
  const { signingKey: key, now } = props;
  return (
    <dl className="key-windows" aria-label={`Windows of ${key.kid}`}>
      <dt>Published from</dt>
      <dd>
        <Instant iso={key.createdAt} now={now} />
      </dd>
      <dt>Signs from</dt>
      <dd>
        <Instant iso={key.activatesAt} now={now} />
      </dd>
      <dt>Signs until</dt>
      <dd>
        <Instant iso={key.retiresAt} now={now} fallback="not scheduled" />
      </dd>
      <dt>Published until</dt>
      <dd>
        <Instant iso={key.expiresAt} now={now} fallback="not scheduled" />
      </dd>
    </dl>
  );
}

/**
 * The signing key chain as a timeline (next, active, retired) with each key's exact windows,
 * the next two scheduled rotations, and "Rotate now" (publish first, or immediate for a leak)
 * whose dialog and toast tell the same timeline.
 */
export function KeysScreen() {
  const bridge = useBridge();
  const toasts = useToasts();
  const keys = useQuery(keyQueries.list(bridge));
  const rotate = useRotateKeys();
  const [isConfirming, setConfirming] = useState(false);
  const now = useNow();
  useRefetchAt(keyKeys.all, keys.data?.nextRotationAt);

  const sorted = [...(keys.data?.keys ?? [])].sort(
    (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || Date.parse(b.activatesAt) - Date.parse(a.activatesAt),
  );
  const active = sorted.find((key) => key.state === 'active');
  const schedule = keys.data === undefined ? [] : scheduledRotations(keys.data, 2);

  return (
    <Screen
      title="Signing keys"
      summary="The keys that sign ID tokens. The overlord rotates them on schedule; every key is published before it signs and stays published after, so the tokens it signed verify."
      actions={
        <button
          type="button"
          className="button button-primary"
          disabled={keys.data === undefined}
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
            <div className="stat">
              <dt>Publish delay</dt>
              <dd>{formatDuration(keys.data.publishDelaySeconds * 1000)}</dd>
            </div>
          </dl>
          <section aria-labelledby="scheduled-rotations" className="key-schedule">
            <h2 id="scheduled-rotations">Scheduled rotations</h2>
            {schedule.length === 0 ? (
              <p className="muted">None scheduled: no key signs. “Rotate now” makes one that signs at once.</p>
            ) : (
              <ol aria-labelledby="scheduled-rotations">
                {schedule.map((rotation) => (
                  <li key={rotation.at}>
                    <Instant iso={rotation.at} now={now} /> —{' '}
                    {rotation.retiringKid === null ? 'that new key' : <code className="mono">{rotation.retiringKid}</code>} stops signing;{' '}
                    {rotation.successorKid === null ? 'a new key' : <code className="mono">{rotation.successorKid}</code>} signs from then
                    {rotation.successorKid === null
                      ? ` (to be published at ${formatInstant(rotation.successorPublishedAt)})`
                      : ` (published since ${formatInstant(rotation.successorPublishedAt)})`}
                  </li>
                ))}
              </ol>
            )}
          </section>
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
                    <KeyWindows signingKey={key} now={now} />
                  </div>
                </li>
              ))}
            </ol>
          )}
        </>
      )}
      {isConfirming && keys.data !== undefined && (
        <RotateKeysDialog
          list={keys.data}
          now={now}
          isPending={rotate.isPending}
          error={rotate.error}
          onClose={() => setConfirming(false)}
          onConfirm={(mode) =>
            rotate.mutate(
              { mode },
              {
                onSuccess: (result) => {
                  setConfirming(false);
                  const text = describeRotation(rotationFromResult(result), { now: Date.now(), formatTime: formatInstant, formatRelative });
                  toasts.push({ tone: 'success', text: `Keys rotated. ${text}` });
                },
              },
            )
          }
        />
      )}
    </Screen>
  );
}
