import type { TProcess } from '@dex/shared/admin-api';

/** One worker's word on a connector that does not answer: where it runs and what it said. */
export interface WorkerProblem {
  address: string;
  message: string;
}

/**
 * A connector's health as the workers' heartbeats report it:
 * - `ok`: every live worker that reports it can use it;
 * - `failing`: at least one live worker cannot (its message says why);
 * - `unknown`: no live worker reports it yet (just added, or no worker runs).
 * Silent workers (no heartbeat for three beats) are never counted as healthy; `silent` says
 * how many were left out.
 */
export interface ConnectorHealth {
  state: 'ok' | 'failing' | 'unknown';
  /** "OK on 2 of 2 workers", "Failing on 1 of 2 workers", "No worker reports it yet". */
  text: string;
  problems: WorkerProblem[];
  silent: number;
}

const workers = (count: number) => `${count} worker${count === 1 ? '' : 's'}`;

/**
 * Sums up what the live workers last reported about one connector.
 * @example connectorHealth('corp', processes) // { state: 'failing', text: 'Failing on 1 of 2 workers', problems: [...] }
 */
export function connectorHealth(connectorId: string, processes: readonly TProcess[]): ConnectorHealth {
  const all = processes.filter((process) => process.kind === 'worker');
  const live = all.filter((process) => process.state !== 'silent');
  const silent = all.length - live.length;
  const reports = live.flatMap((process) => {
    const value = process.connectors[connectorId];
    return value === undefined ? [] : [{ address: process.address, value }];
  });
  const problems = reports.filter((report) => report.value !== 'ok').map((report) => ({ address: report.address, message: report.value }));
  if (reports.length === 0) {
    return { state: 'unknown', text: live.length === 0 ? 'No worker is running' : 'No worker reports it yet', problems, silent };
  }
  if (problems.length > 0) {
    return { state: 'failing', text: `Failing on ${problems.length} of ${workers(live.length)}`, problems, silent };
  }
  return { state: 'ok', text: `OK on ${reports.length} of ${workers(live.length)}`, problems, silent };
}
