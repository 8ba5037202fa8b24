import type { PrismaDb } from '@dex/shared/db';
import { type ConnectorIdentity, findAuthSession } from '@dex/shared/domain/auth';
import { hasValidCsrfToken, issueCsrfToken } from '#http/csrf.ts';
import type { TConnectorLoginFailure, WorkerMetrics } from '#http/metrics.ts';
import { param } from '#http/params.ts';
import type { LoginLimits } from '#http/rate-limit.ts';
import type { WorkerRequest } from '#http/request.ts';
import { sendHtml, type WorkerResponse } from '#http/respond.ts';
import { renderPasswordPage } from '#pages/password-page.ts';
import type { Connector, ConnectorContext } from './types.ts';

const TOO_MANY = 'Too many failed logins. Wait a few minutes and try again.';
const EXPIRED = 'This login request is no longer valid. Go back to the application and start again.';

/** What every password-form connector of a worker shares: the store, the lockouts, the metrics. */
export interface PasswordFormDeps {
  prisma: PrismaDb;
  /** Failed logins per account and client address, and per client address (accounts are keyed by each connector). */
  limits: LoginLimits;
  metrics: WorkerMetrics;
}

/** The outcome of checking a username and password. */
export type PasswordCheck =
  | { ok: true; identity: ConnectorIdentity }
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
  /** Links under the form for this login request ("Create an account", "Forgot your password?"). */
  accountLinks?(sessionId: string): { registerUrl?: string; resetUrl?: string };
}

/**
 * A connector whose login is a password form (local, LDAP): the form at
 * `<issuer>/auth/<id>/login` bound to the authorization session, CSRF-protected, with failed
 * logins (`invalid_credentials`) counted per account and address and per address and refused while
 * locked out. Each connector supplies only how a username and password are checked. Every
 * submitted form is counted in `dex_connector_logins_total` (success, or failure with its
 * reason); a form with an empty field is not an attempt.
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
  const recordFailure = (reason: TConnectorLoginFailure) =>
    deps.metrics.recordConnectorLogin({ connector: options.id, type: options.type, outcome: 'failure', reason });

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
      if ((await loadSession(sessionId)) === null) {
        recordFailure('session_expired');
        return expired(res);
      }
      if (!hasValidCsrfToken(req)) {
        recordFailure('session_expired');
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
        recordFailure('rate_limited');
        renderForm(req, res, 429, sessionId, { login, error: TOO_MANY });
        return;
      }
      const result = await options.check(login, password, res);
      if (!result.ok) {
        recordFailure(result.reason);
        if (result.reason === 'invalid_credentials') {
          await deps.limits.recordFailure(accountKey, address);
        }
        renderForm(req, res, result.status, sessionId, { login, error: result.message });
        return;
      }
      await deps.limits.reset(accountKey, address);
      deps.metrics.recordConnectorLogin({ connector: options.id, type: options.type, outcome: 'success' });
      await context.completeLogin({ sessionId, connectorId: options.id, identity: result.identity, res });
    },
  };
}
