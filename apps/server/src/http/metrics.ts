import type { TConnectorConfig } from '@dex/shared/domain/connectors';
import { Counter, Histogram, type Labels, renderMetrics } from '@dex/shared/metrics';

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

/** The worker's metrics. */
export class WorkerMetrics {
  readonly requests = new Counter('dex_http_requests_total', 'HTTP requests by method, route and status.');
  readonly latency = new Histogram(
    'dex_http_request_duration_seconds',
    'HTTP request latency by route.',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  );
  readonly connectorLogins = new Counter(
    'dex_connector_logins_total',
    'Login attempts by connector id and type: outcome success or failure, and for failures a reason from a fixed set.',
  );
  readonly grants = new Counter('dex_token_grants_total', 'Token endpoint requests by grant type and outcome (ok or the OAuth error).');
  readonly #started = Date.now() / 1000;
  /** The label sets of `dex_http_*`, one object per method, status and route, so their series keys are computed once. */
  readonly #requestLabels = new Map<string, { counter: Labels; histogram: Labels }>();

  /**
   * Counts an answered request and its latency, by route pattern (never the raw path, which
   * would carry ids and explode the label set).
   */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let labels = this.#requestLabels.get(key);
    if (labels === undefined) {
      labels = { counter: Object.freeze({ method, route, status: String(status) }), histogram: Object.freeze({ route }) };
      this.#requestLabels.set(key, labels);
    }
    this.requests.inc(labels.counter);
    this.latency.observe(labels.histogram, seconds);
  }

  /**
   * Shows a connector's success series at 0 from the moment it is loaded, so that rates and
   * alerts work before its first login.
   */
  declareConnector(connector: { id: string; type: TConnectorConfig['type'] }): void {
    this.connectorLogins.inc({ connector: connector.id, type: connector.type, outcome: 'success' }, 0);
  }

  /**
   * Counts a login attempt that a connector finished: the identity proved (`success`, before
   * dex maps it to a user), or refused with a reason.
   */
  recordConnectorLogin(event: ConnectorLoginEvent): void {
    this.connectorLogins.inc({
      connector: event.connector,
      type: event.type,
      outcome: event.outcome,
      ...(event.outcome === 'failure' ? { reason: event.reason } : {}),
    });
  }

  render(): string {
    return renderMetrics([this.requests, this.latency, this.connectorLogins, this.grants], this.#started);
  }
}
