import type { TConnectorConfig } from '@dex/shared/domain/connectors';
import { Counter, createMetricsRegistry, Histogram } from '@dex/shared/metrics';

/**
 * Why a login through a connector failed. A closed set, so the `reason` label stays small
 * whatever the upstream says (its error codes and messages go to the log, not to metrics).
 */
export const CONNECTOR_LOGIN_FAILURES = [
  /** Wrong username or password, or an unknown user (local, ldap). */
  'invalid_credentials',
  /** Refused without checking: too many failed logins for the account or the address (local, ldap). */
  'rate_limited',
  /** The dex user is disabled (local). */
  'disabled',
  /** The dex user's password has expired (local). */
  'password_expired',
  /** The authorization session, the browser's login cookie or its CSRF token is gone or stale. */
  'session_expired',
  /** The directory or upstream provider cannot be reached, timed out or failed (5xx). */
  'unavailable',
  /** The user refused the login at the upstream provider (oidc). */
  'access_denied',
  /** The upstream provider refused this server's client credentials (oidc). */
  'invalid_client',
  /** The upstream provider answered with another OAuth error (oidc). */
  'upstream_error',
  /** The upstream's answer did not verify: ID token signature, issuer, nonce, ... (oidc). */
  'invalid_response',
  /** The client asked for a fresh login (prompt=login, max_age) and the upstream's `auth_time` does not show one (oidc). */
  'stale_login',
  /** The identity lacks something the login needs, such as an email address (oidc, ldap). */
  'incomplete_identity',
] as const;
export type TConnectorLoginFailure = (typeof CONNECTOR_LOGIN_FAILURES)[number];

/** One finished login attempt at a connector. */
export type ConnectorLoginEvent = { connector: string; type: TConnectorConfig['type'] } & (
  | { outcome: 'success' }
  | { outcome: 'failure'; reason: TConnectorLoginFailure }
);

/** The label values of `dex_http_*` for one method, status and route, bound once (prom-client's children). */
interface RequestSeries {
  requests: Counter.Internal;
  latency: Histogram.Internal<string>;
}

/** The worker's metrics, on its own registry with the default process and Node.js metrics. */
export class WorkerMetrics {
  readonly registry = createMetricsRegistry();
  readonly requests = new Counter({
    name: 'dex_http_requests_total',
    help: 'HTTP requests by method, route and status.',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'dex_http_request_duration_seconds',
    help: 'HTTP request latency by route.',
    labelNames: ['route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly connectorLogins = new Counter({
    name: 'dex_connector_logins_total',
    help: 'Login attempts by connector id and type: outcome success or failure, and for failures a reason from a fixed set.',
    labelNames: ['connector', 'outcome', 'reason', 'type'],
    registers: [this.registry],
  });
  readonly loginEventsDropped = new Counter({
    name: 'dex_login_events_dropped_total',
    help: 'Login events (by type) that could not be written to login_events; the logins themselves went on.',
    labelNames: ['type'],
    registers: [this.registry],
  });
  readonly grants = new Counter({
    name: 'dex_token_grants_total',
    help: 'Token endpoint requests by grant type and outcome (ok or the OAuth error).',
    labelNames: ['grant_type', 'outcome'],
    registers: [this.registry],
  });
  /** The series of `dex_http_*` by method, status and route, so a request only adds to numbers. */
  readonly #requestSeries = new Map<string, RequestSeries>();

  /**
   * Counts an answered request and its latency, by route pattern (never the raw path, which
   * would carry ids and explode the label set).
   */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let series = this.#requestSeries.get(key);
    if (series === undefined) {
      series = { requests: this.requests.labels({ method, route, status: String(status) }), latency: this.latency.labels({ route }) };
      this.#requestSeries.set(key, series);
    }
    series.requests.inc();
    series.latency.observe(seconds);
  }

  /**
   * Shows a connector's success series at 0 from the moment it is loaded, so that rates and
   * alerts work before its first login.
   */
  declareConnector(connector: { id: string; type: TConnectorConfig['type'] }): void {
    this.connectorLogins.inc({ connector: connector.id, outcome: 'success', type: connector.type }, 0);
  }

  /**
   * Counts a login attempt that a connector finished: the identity proved (`success`, before
   * dex maps it to a user), or refused with a reason.
   */
  recordConnectorLogin(event: ConnectorLoginEvent): void {
    // Label names in alphabetical order, as the exposition then lists them.
    this.connectorLogins.inc({
      connector: event.connector,
      outcome: event.outcome,
      ...(event.outcome === 'failure' ? { reason: event.reason } : {}),
      type: event.type,
    });
  }

  /** The text exposition of every metric, the default process and Node.js ones included. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
