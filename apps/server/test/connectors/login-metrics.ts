/**
 * Reads `dex_connector_logins_total` from a worker's `/metrics`, keyed
 * `<connector>:<type>:<outcome>[:<reason>]`, so tests can assert exactly which series moved.
 */
export class ConnectorLoginCounts {
  readonly #counts: ReadonlyMap<string, number>;

  constructor(counts: ReadonlyMap<string, number>) {
    this.#counts = counts;
  }

  /** What changed since `before`: only the series that moved, with how much. */
  since(before: ConnectorLoginCounts): Record<string, number> {
    const moved: Record<string, number> = {};
    for (const [key, value] of this.#counts) {
      const delta = value - (before.#counts.get(key) ?? 0);
      if (delta !== 0) moved[key] = delta;
    }
    return moved;
  }
}

const SAMPLE = /^dex_connector_logins_total\{([^}]*)\} (\d+)$/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

export async function readConnectorLogins(issuer: string): Promise<ConnectorLoginCounts> {
  const response = await fetch(`${issuer}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  const counts = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    const sample = SAMPLE.exec(line);
    if (sample === null) continue;
    const labels = Object.fromEntries([...(sample[1] ?? '').matchAll(LABEL)].map((match) => [match[1], match[2]]));
    const names = Object.keys(labels).sort().join(',');
    const expected = labels.outcome === 'failure' ? 'connector,outcome,reason,type' : 'connector,outcome,type';
    if (names !== expected) throw new Error(`unexpected labels on ${line}`);
    const key = [labels.connector, labels.type, labels.outcome, labels.reason].filter((part) => part !== undefined).join(':');
    counts.set(key, Number(sample[2]));
  }
  return new ConnectorLoginCounts(counts);
}
