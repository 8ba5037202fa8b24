import { Counter, Histogram, renderMetrics } from '@dex/shared/metrics';

/** The worker's metrics. */
export class WorkerMetrics {
  readonly requests = new Counter('dex_http_requests_total', 'HTTP requests by method, route and status.');
  readonly latency = new Histogram(
    'dex_http_request_duration_seconds',
    'HTTP request latency by route.',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  );
  readonly logins = new Counter('dex_logins_total', 'Password logins by connector and outcome.');
  readonly grants = new Counter('dex_token_grants_total', 'Token endpoint requests by grant type and outcome (ok or the OAuth error).');
  readonly #started = Date.now() / 1000;

  render(): string {
    return renderMetrics([this.requests, this.latency, this.logins, this.grants], this.#started);
  }
}
