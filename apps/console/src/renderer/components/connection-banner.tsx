import { useQueryClient } from '@tanstack/react-query';
import { connectivityKeys, useConnectivity } from '../app/connectivity.tsx';
import { formatDuration } from './format.ts';
import { useNow } from './use-now.ts';

const clock = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/**
 * Said at once when the overlord stops answering: since when, how old what is on screen is,
 * and that the console reconnects by itself. Nothing while it answers.
 */
export function ConnectionBanner(props: { baseUrl: string }) {
  const connectivity = useConnectivity();
  const now = useNow();
  if (connectivity.isReachable) return null;
  const since = connectivity.unreachableSince ?? now;
  return (
    <div className="connection-banner" role="alert">
      <p className="connection-banner-title">
        The overlord at <span className="mono">{props.baseUrl}</span> cannot be reached (since {clock.format(since)}).
      </p>
      <p className="connection-banner-detail">
        {connectivity.lastReachedAt === null
          ? 'Nothing could be loaded yet.'
          : `What you see was loaded ${formatDuration(now - connectivity.lastReachedAt)} ago and may be out of date.`}{' '}
        The console keeps trying and refreshes every screen when it answers again.
      </p>
    </div>
  );
}

/**
 * A screen's mark while the overlord cannot be reached: how old the oldest data it shows is
 * (its active queries' last successful load).
 */
export function StaleMark() {
  const connectivity = useConnectivity();
  const queryClient = useQueryClient();
  const now = useNow();
  if (connectivity.isReachable) return null;
  const loadedAt = queryClient
    .getQueryCache()
    .findAll({ type: 'active' })
    .filter((query) => query.queryKey[0] !== connectivityKeys.all[0] && query.state.dataUpdatedAt > 0)
    .map((query) => query.state.dataUpdatedAt);
  if (loadedAt.length === 0) return null;
  return (
    <p className="stale-mark" role="status">
      Not up to date: loaded {formatDuration(now - Math.min(...loadedAt))} ago
    </p>
  );
}
