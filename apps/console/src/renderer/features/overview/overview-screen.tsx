import { useQuery } from '@tanstack/react-query';
import { useBridge } from '../../app/bridge-context.tsx';
import { useConnectivity } from '../../app/connectivity.tsx';
import { hrefOf } from '../../app/router.ts';
import { formatDateTime, formatRelative } from '../../components/format.ts';
import { Screen } from '../../components/screen.tsx';
import { Loading } from '../../components/states.tsx';
import { useNow } from '../../components/use-now.ts';
import { keyKeys, keyQueries } from '../keys/queries.ts';
import { useRefetchAt } from '../keys/use-refetch-at.ts';
import { ProcessesCard } from './processes-card.tsx';
import { overviewQueries } from './queries.ts';

const DATABASE_LABELS = { sqlite: 'SQLite', postgresql: 'PostgreSQL' } as const;

/** The deployment at a glance: health, database, the signing key and its countdown, counts, every process. */
export function OverviewScreen() {
  const bridge = useBridge();
  const health = useQuery(overviewQueries.health(bridge));
  const state = useQuery(overviewQueries.state(bridge));
  const keys = useQuery(keyQueries.list(bridge));
  const processes = useQuery(overviewQueries.processes(bridge));
  const connectivity = useConnectivity();
  const now = useNow();
  useRefetchAt(keyKeys.all, keys.data?.nextRotationAt);
  const active = keys.data?.keys.find((key) => key.state === 'active');

  return (
    <Screen title="Overview" summary="This deployment at a glance; refreshed in the background.">
      {(health.isPending || state.isPending || keys.isPending) && <Loading label="Loading the overview…" />}
      {health.data !== undefined && state.data !== undefined && keys.data !== undefined && (
        <div className="cards">
          <article className="card" aria-labelledby="card-health">
            <h2 id="card-health">Overlord</h2>
            {connectivity.isReachable ? (
              <p className={`health health-${health.data.status}`}>
                <span className="health-dot" aria-hidden="true" />
                {health.data.status === 'ok' ? 'Healthy' : 'Unhealthy'}
              </p>
            ) : (
              <p className="health health-unreachable">
                <span className="health-dot" aria-hidden="true" />
                Unreachable
              </p>
            )}
            {connectivity.isReachable && health.data.message !== undefined && <p className="muted">{health.data.message}</p>}
            <dl className="details">
              <dt>Database</dt>
              <dd>{state.data.database === undefined ? 'unknown' : DATABASE_LABELS[state.data.database]}</dd>
              <dt>Version</dt>
              <dd>{state.data.version ?? 'unknown'}</dd>
              <dt>Admin user</dt>
              <dd>{state.data.AdminUserCreated ? 'created' : 'none yet'}</dd>
            </dl>
          </article>
          <article className="card" aria-labelledby="card-key">
            <h2 id="card-key">Signing key</h2>
            {active === undefined ? (
              <p className="muted">No active key.</p>
            ) : (
              <dl className="details">
                <dt>Active key</dt>
                <dd className="mono">{active.kid}</dd>
                <dt>Algorithm</dt>
                <dd>{active.alg}</dd>
                <dt>Next rotation</dt>
                <dd>
                  {keys.data.nextRotationAt === null ? (
                    'not scheduled'
                  ) : (
                    <>
                      <span className="stat-value" role="timer" aria-live="off">
                        {formatRelative(keys.data.nextRotationAt, now)}
                      </span>
                      <span className="muted"> · {formatDateTime(keys.data.nextRotationAt)}</span>
                    </>
                  )}
                </dd>
              </dl>
            )}
            <a className="card-link" href={hrefOf('keys')}>
              Key timeline
            </a>
          </article>
          <article className="card" aria-labelledby="card-counts">
            <h2 id="card-counts">Configured</h2>
            <dl className="counts">
              <div>
                <dt>
                  <a href={hrefOf('clients')}>Clients</a>
                </dt>
                <dd>{state.data.clients ?? '—'}</dd>
              </div>
              <div>
                <dt>
                  <a href={hrefOf('users')}>Users</a>
                </dt>
                <dd>{state.data.users ?? '—'}</dd>
              </div>
              <div>
                <dt>
                  <a href={hrefOf('connectors')}>Connectors</a>
                </dt>
                <dd>{state.data.connectors ?? '—'}</dd>
              </div>
            </dl>
          </article>
          {processes.data !== undefined && <ProcessesCard list={processes.data} />}
        </div>
      )}
    </Screen>
  );
}
