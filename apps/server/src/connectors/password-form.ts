import type { PrismaDb } from '@dex/shared/db';
import { type ConnectorIdentity, findAuthSession } from '@dex/shared/domain/auth';
import { hasValidCsrfToken, issueCsrfToken } from '#http/csrf.ts';
import type { TConnectorLoginFailure, WorkerMetrics } from '#http/metrics.ts';
import { param } from '#http/params.ts';
import type { LoginLimits } from '#http/rate-limit.ts';
import type { WorkerRequest } from '#http/request.ts';
import { sendHtml, type WorkerResponse } from '#http/respond.ts';
import type { RecordLoginEvent } from '#ops/login-event-recorder.ts';
import { renderPasswordPage } from '#pages/password-page.ts';
import type { Connector, ConnectorContext, RefreshData, RefreshedIdentity } from './types.ts';

const TOO_MANY = 'Too many failed logins. Wait a few minutes and try again.';
const EXPIRED = 'This login request is no longer valid. Go back to the application and start again.';

/** What every password-form connector of a worker shares: the store, the lockouts, the metrics. */
export interface PasswordFormDeps {
  prisma: PrismaDb;
  /** Failed logins per account and client address, and per client address (accounts are keyed by each connector). */
  limits: LoginLimits;
  metrics: WorkerMetrics;
  /** The login events (failures and lockouts here; successes where the login completes). */
  recordLoginEvent: RecordLoginEvent;
}

/** The outcome of checking a username and password. */
export type PasswordCheck =
  | { ok: true; identity: ConnectorIdentity; refreshData?: RefreshData }
  | {
      ok: false;
      /** HTTP status of the re-rendered form and the message on it. */
      status: number;
      message: string;
      /** Why, for the login metrics (`invalid_credentials`, `disabled`, `unavailable`, ...). */
      reason: TConnectorLoginFailure;
    };

export interface PasswordFormOptions {
  id: string;
  type: Connector['type'];
  displayName: string;
  /** Shown under the heading ("with Email"). */
  connectorName: string;
  /** The login field's label ("Email address", "Username"). */
  loginLabel: string;
  /** Longest login accepted (longer input is cut). */
  maxLoginLength: number;
  /** The per-account lockout key of a login. */
  accountKey(login: string): string;
  check(login: string, password: string, res: WorkerResponse): Promise<PasswordCheck>;
  checkHealth?(): Promise<void>;
  refresh?(data: RefreshData): Promise<RefreshedIdentity>;
  /** Links under the form for this login request ("Create an account", "Forgot your password?"). */
  accountLinks?(sessionId: string): { registerUrl?: string; resetUrl?: string };
}

/**
 * A connector whose login is a password form (local, LDAP): the form at
 * `<issuer>/auth/<id>/login` bound to the authorization session, CSRF-protected, with failed
 * logins (`invalid_credentials`) counted per account and address and per address and refused while
 * locked out. Each connector supplies only how a username and password are checked. Every
 * submitted form is counted in `dex_connector_logins_total` (success, or failure with its
 * reason) and every failure recorded as a login event (with a `lockout` event for the failure
 * that used up the allowance); a form with an empty field is not an attempt.
 */
export function createPasswordFormConnector(options: PasswordFormOptions, context: ConnectorContext, deps: PasswordFormDeps): Connector {
  const loginPath = `${context.issuerPath}/auth/${encodeURIComponent(options.id)}/login`;
  deps.metrics.declareConnector(options);

  async function loadSession(sessionId: string) {
    if (sessionId === '' || sessionId.length > 128) return null;
    const session = await findAuthSession(deps.prisma, sessionId);
    return session !== null && session.state === 'NEW' && session.connectorId === options.id ? session : null;
  }

  function renderForm(
    req: WorkerRequest,
    res: WorkerResponse,
    status: number,
    sessionId: string,
    extra: { login?: string; error?: string },
  ) {
    const csrfToken = issueCsrfToken(req, res, { path: context.issuerPath || '/', secure: context.secureCookies });
    const page = renderPasswordPage({
      issuerName: context.issuerName,
      connectorName: options.connectorName,
      loginLabel: options.loginLabel,
      postUrl: loginPath,
      sessionId,
      csrfToken,
      ...options.accountLinks?.(sessionId),
      ...extra,
    });
    sendHtml(res, status, page, { noStore: true });
  }

  const expired = (res: WorkerResponse) => context.renderError(res, 400, 'Login expired', EXPIRED);
  const recordFailure = async (
    reason: TConnectorLoginFailure,
    attempt: { req: WorkerRequest; login?: string; clientId?: string; type?: 'failure' | 'lockout' },
  ) => {
    if (attempt.type !== 'lockout')
      deps.metrics.recordConnectorLogin({ connector: options.id, type: options.type, outcome: 'failure', reason });
    await deps.recordLoginEvent({
      type: attempt.type ?? 'failure',
      reason: attempt.type === 'lockout' ? 'too_many_failures' : reason,
      ...(attempt.login === undefined ? {} : { email: attempt.login }),
      ...(attempt.clientId === undefined ? {} : { clientId: attempt.clientId }),
      connectorId: options.id,
      clientAddress: attempt.req.clientAddress,
    });
  };

  return {
    id: options.id,
    type: options.type,
    displayName: options.displayName,
    loginUrl: (session, hints) => {
      const query = new URLSearchParams({ session: session.id });
      if (hints.loginHint !== undefined && hints.loginHint !== '')
        query.set('login_hint', hints.loginHint.slice(0, options.maxLoginLength));
      return `${loginPath}?${query.toString()}`;
    },
    ...(options.checkHealth === undefined ? {} : { checkHealth: options.checkHealth }),
    ...(options.refresh === undefined ? {} : { refresh: options.refresh }),
    steps: { login: ['GET', 'POST'] },
    async handle(_step, req, res) {
      if (req.method !== 'POST') {
        const sessionId = param(req.query, 'session') ?? '';
        if ((await loadSession(sessionId)) === null) return expired(res);
        const hint = param(req.query, 'login_hint');
        renderForm(req, res, 200, sessionId, hint === undefined ? {} : { login: hint });
        return;
      }
      const sessionId = param(req.form, 'session') ?? '';
      const login = (param(req.form, 'login') ?? '').trim().slice(0, options.maxLoginLength);
      const password = param(req.form, 'password') ?? '';
      const session = await loadSession(sessionId);
      if (session === null) {
        await recordFailure('session_expired', { req, login });
        return expired(res);
      }
      const attempt = { req, login, clientId: session.clientId };
      if (!hasValidCsrfToken(req)) {
        await recordFailure('session_expired', attempt);
        renderForm(req, res, 403, sessionId, { login, error: 'Your session expired. Please log in again.' });
        return;
      }
      if (login === '' || password === '') {
        const missing = login === '' ? `Enter your ${options.loginLabel.toLowerCase()}.` : 'Enter your password.';
        renderForm(req, res, 400, sessionId, { login, error: missing });
        return;
      }
      const accountKey = options.accountKey(login);
      const address = req.clientAddress;
      if (await deps.limits.isBlocked(accountKey, address)) {
        await recordFailure('rate_limited', attempt);
        renderForm(req, res, 429, sessionId, { login, error: TOO_MANY });
        return;
      }
      const result = await options.check(login, password, res);
      if (!result.ok) {
        await recordFailure(result.reason, attempt);
        if (result.reason === 'invalid_credentials') {
          const { lockedOut } = await deps.limits.recordFailure(accountKey, address);
          if (lockedOut) await recordFailure(result.reason, { ...attempt, type: 'lockout' });
        }
        renderForm(req, res, result.status, sessionId, { login, error: result.message });
        return;
      }
      await deps.limits.reset(accountKey, address);
      deps.metrics.recordConnectorLogin({ connector: options.id, type: options.type, outcome: 'success' });
      await context.completeLogin({
        sessionId,
        connectorId: options.id,
        identity: result.identity,
        ...(result.refreshData === undefined ? {} : { refreshData: result.refreshData }),
        clientAddress: address,
        res,
      });
    },
  };
}
