import type { Request, Response } from 'express';
import { findAuthSession } from '@dex/shared/domain/auth';
import type { PrismaDb } from '@dex/shared/db';
import { verifyLocalPassword } from '@dex/shared/domain/users';
import { hasValidCsrfToken, issueCsrfToken } from '#http/csrf.ts';
import type { WorkerMetrics } from '#http/metrics.ts';
import type { FailureRateLimiter } from '#http/rate-limit.ts';
import { renderPasswordPage } from '#pages/password-page.ts';
import type { Connector, ConnectorContext } from './types.ts';

/** The one message for every failed password login, so it does not reveal which emails exist. */
const INVALID_LOGIN = 'Invalid email address or password.';
const TOO_MANY = 'Too many failed logins. Wait a few minutes and try again.';

export interface LocalConnectorDeps {
  prisma: PrismaDb;
  /** Failed logins per email (shared by every local connector of the worker). */
  perAccount: FailureRateLimiter;
  /** Failed logins per client address. */
  perAddress: FailureRateLimiter;
  metrics: WorkerMetrics;
}

/**
 * The `local` connector: email and password checked against dex's own users (reference §6.2).
 * The form is protected by a CSRF token and failed logins are rate limited per account and
 * per client address.
 */
export function createLocalConnector(config: { id: string }, context: ConnectorContext, deps: LocalConnectorDeps): Connector {
  const loginPath = `${context.issuerPath}/auth/${encodeURIComponent(config.id)}/login`;

  async function loadSession(sessionId: string) {
    const session = sessionId === '' ? null : await findAuthSession(deps.prisma, sessionId);
    return session !== null && session.state === 'NEW' && session.connectorId === config.id ? session : null;
  }

  function renderForm(req: Request, res: Response, status: number, sessionId: string, extra: { login?: string; error?: string }) {
    const csrfToken = issueCsrfToken(req, res, { path: context.issuerPath || '/', secure: context.secureCookies });
    res
      .status(status)
      .type('html')
      .send(
        renderPasswordPage({
          issuerName: context.issuerName,
          connectorName: 'Email',
          loginLabel: 'Email address',
          postUrl: loginPath,
          sessionId,
          csrfToken,
          ...extra,
        }),
      );
  }

  const expired = (res: Response) =>
    context.renderError(res, 400, 'Login expired', 'This login request is no longer valid. Go back to the application and start again.');

  return {
    id: config.id,
    type: 'local',
    displayName: 'Email',
    loginUrl: (session, hints) => {
      const query = new URLSearchParams({ session: session.id });
      if (hints.loginHint !== undefined && hints.loginHint !== '') query.set('login_hint', hints.loginHint.slice(0, 254));
      return `${loginPath}?${query.toString()}`;
    },
    async handle(subPath, req, res) {
      if (subPath !== 'login') {
        context.renderError(res, 404, 'Not found', 'There is no such page.');
        return;
      }
      if (req.method === 'GET') {
        const sessionId = typeof req.query.session === 'string' ? req.query.session : '';
        if ((await loadSession(sessionId)) === null) return expired(res);
        const hint = typeof req.query.login_hint === 'string' ? req.query.login_hint : undefined;
        renderForm(req, res, 200, sessionId, hint === undefined ? {} : { login: hint });
        return;
      }
      if (req.method !== 'POST') {
        res.set('Allow', 'GET, POST');
        context.renderError(res, 405, 'Method not allowed', 'Use the login form.');
        return;
      }
      const body = (req.body ?? {}) as Record<string, unknown>;
      const sessionId = typeof body.session === 'string' ? body.session : '';
      const login = typeof body.login === 'string' ? body.login.trim() : '';
      const password = typeof body.password === 'string' ? body.password : '';
      if ((await loadSession(sessionId)) === null) return expired(res);
      if (!hasValidCsrfToken(req)) {
        renderForm(req, res, 403, sessionId, { login, error: 'Your session expired. Please log in again.' });
        return;
      }
      if (login === '' || password === '') {
        renderForm(req, res, 400, sessionId, { login, error: login === '' ? 'Enter your email address.' : 'Enter your password.' });
        return;
      }
      const accountKey = login.toLowerCase();
      const addressKey = req.socket.remoteAddress ?? 'unknown';
      if (deps.perAccount.isBlocked(accountKey) || deps.perAddress.isBlocked(addressKey)) {
        deps.metrics.logins.inc({ connector: config.id, outcome: 'rate_limited' });
        renderForm(req, res, 429, sessionId, { login, error: TOO_MANY });
        return;
      }
      const result = await verifyLocalPassword(deps.prisma, { email: login, password });
      deps.metrics.logins.inc({ connector: config.id, outcome: result.ok ? 'success' : result.reason });
      if (!result.ok) {
        if (result.reason === 'invalid_credentials') {
          deps.perAccount.recordFailure(accountKey);
          deps.perAddress.recordFailure(addressKey);
        }
        const message =
          result.reason === 'password_expired'
            ? 'Your password has expired. Ask an administrator to reset it.'
            : result.reason === 'disabled'
              ? 'This account is disabled.'
              : INVALID_LOGIN;
        renderForm(req, res, 401, sessionId, { login, error: message });
        return;
      }
      deps.perAccount.reset(accountKey);
      await context.completeLogin({
        sessionId,
        connectorId: config.id,
        identity: { id: result.user.id, email: result.user.email, name: result.user.displayName, emailVerified: result.user.emailVerified },
        res,
      });
    },
  };
}
