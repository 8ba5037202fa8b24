import type { ConnectorHealth } from './connector-health.ts';

const STATE_CLASS = { ok: 'health-healthy', failing: 'health-error', unknown: 'health-unknown' } as const;

/**
 * A connector's health in the list: a dot and the sum-up ("Failing on 1 of 2 workers"); when it
 * fails, a disclosure with each worker's message (also on hover).
 */
export function ConnectorHealthCell(props: { health: ConnectorHealth }) {
  const { health } = props;
  const silentNote = health.silent === 0 ? null : <span className="muted"> ({health.silent} silent, not counted)</span>;
  const label = (
    <span className={`health ${STATE_CLASS[health.state]}`}>
      <span className="health-dot" aria-hidden="true" />
      {health.text}
    </span>
  );
  if (health.problems.length === 0) {
    return (
      <>
        {label}
        {silentNote}
      </>
    );
  }
  return (
    <details className="health-details" title={health.problems.map((problem) => `${problem.address}: ${problem.message}`).join('\n')}>
      <summary className="health-summary">
        {label}
        {silentNote}
      </summary>
      <ul>
        {health.problems.map((problem) => (
          <li key={problem.address}>
            <span className="mono">{problem.address}</span>: {problem.message}
          </li>
        ))}
      </ul>
    </details>
  );
}
