import type { TProcess, TProcessList } from '@dex/shared/admin-api';
import { formatDuration } from '../../components/format.ts';
import { TableFrame } from '../../components/table-frame.tsx';

const KIND_LABELS = { worker: 'Worker', overlord: 'Overlord' } as const;

function stateText(process: TProcess): string {
  if (process.state === 'silent') return `Silent for ${formatDuration(process.silentForSeconds * 1000)}`;
  return process.state === 'healthy' ? 'Healthy' : 'Degraded';
}

/** The connectors that do not answer, said once each: "corp-ldap: connect ECONNREFUSED". */
function connectorProblems(process: TProcess): string[] {
  return Object.entries(process.connectors)
    .filter(([, value]) => value !== 'ok')
    .map(([id, value]) => `${id}: ${value}`);
}

/**
 * Every worker and overlord as its heartbeat last reported it: its state, the key it signs
 * with, its connectors; and an alert when live workers sign with different keys.
 */
export function ProcessesCard(props: { list: TProcessList }) {
  const { processes, keysAgree, signingKeyIds } = props.list;
  return (
    <article className="card card-wide" aria-labelledby="card-processes">
      <h2 id="card-processes">Processes</h2>
      {!keysAgree && (
        <div className="inline-error" role="alert">
          <strong>Workers disagree on the signing key:</strong> they sign with {signingKeyIds.join(', ')}. A rotation reaches every worker
          within seconds; if this stays, a worker runs with other key secrets or another database.
        </div>
      )}
      {processes.length === 0 ? (
        <p className="muted">No process has reported yet.</p>
      ) : (
        <TableFrame>
          <table className="table">
            <caption className="visually-hidden">Workers and overlords</caption>
            <thead>
              <tr>
                <th scope="col">Process</th>
                <th scope="col">State</th>
                <th scope="col">Signs with</th>
                <th scope="col">Connectors</th>
                <th scope="col">Version</th>
              </tr>
            </thead>
            <tbody>
              {processes.map((process) => {
                const problems = connectorProblems(process);
                return (
                  <tr key={process.id}>
                    <td>
                      {KIND_LABELS[process.kind]} <span className="mono">{process.address}</span>
                    </td>
                    <td>
                      <span className={`health health-${process.state}`}>
                        <span className="health-dot" aria-hidden="true" />
                        {stateText(process)}
                      </span>
                    </td>
                    <td className="mono">{process.kind === 'worker' ? (process.signingKeyId ?? 'no key') : '—'}</td>
                    <td>
                      {process.kind === 'overlord'
                        ? '—'
                        : problems.length === 0
                          ? `${Object.keys(process.connectors).length} answering`
                          : problems.map((problem) => (
                              <span key={problem} className="connector-problem">
                                {problem}
                              </span>
                            ))}
                    </td>
                    <td>{process.version}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableFrame>
      )}
    </article>
  );
}
