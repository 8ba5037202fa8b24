import { findAuthSession } from '@dex/shared/domain/auth';
import { AppError } from '@dex/shared/errors';
import { createUser, findUserByEmail, isValidEmail, newPasswordProblem, normalizeEmail } from '@dex/shared/domain/users';
import { hasValidCsrfToken, issueCsrfToken } from '#http/csrf.ts';
import { param } from '#http/params.ts';
import type { WorkerRequest } from '#http/request.ts';
import { sendHtml, type WorkerResponse } from '#http/respond.ts';
import type { Route } from '#http/router.ts';
import { renderMessagePage, renderRegisterPage } from '#pages/account-pages.ts';
import { type AccountDeps, localLoginUrl } from './account-deps.ts';

const NO_SESSION = 'Please start from the application you want to log in to, then choose "Create an account".';

/**
 * `<issuer>/register` (with `--enable-registration`, dex v0 §2.7): the local connector's
 * registration form for a pending authorization request (`?session=`), CSRF-protected, with
 * the password policy of `newPasswordProblem`.
 *
 * A valid form always gets the same answer, 200 "Check your email", whether the address was
 * free or already has an account (dex v0 redirected known addresses to the login page, which
 * told anyone which addresses exist). A new user is created unverified and gets the
 * verification email; the owner of an existing account gets an email saying someone tried to
 * register, with a reset link. The page links to the login form of the same authorization
 * request, with the email filled in: the new user logs in with the password just chosen and
 * the request continues (logging them in at once would answer differently for known emails).
 * Requests per client address are limited like password resets.
 */
export function registerRoute(deps: AccountDeps): Route {
  const postUrl = `${deps.issuerPath}/register`;

  async function loadSession(sessionId: string) {
    if (sessionId === '' || sessionId.length > 128) return null;
    const session = await findAuthSession(deps.prisma, sessionId);
    return session !== null && session.state === 'NEW' && session.connectorId === deps.localConnectorId ? session : null;
  }

  function renderForm(
    req: WorkerRequest,
    res: WorkerResponse,
    status: number,
    sessionId: string,
    extra: { email?: string; error?: string },
  ) {
    const csrfToken = issueCsrfToken(req, res, deps.cookie);
    const loginUrl = localLoginUrl(deps, sessionId);
    sendHtml(res, status, renderRegisterPage({ issuerName: deps.issuerName, postUrl, sessionId, csrfToken, loginUrl, ...extra }), {
      noStore: true,
    });
  }

  return {
    methods: ['GET', 'POST'],
    errors: 'html',
    body: 'form',
    async handle(req, res) {
      const sessionId = param(req.method === 'POST' ? req.form : req.query, 'session') ?? '';
      const session = await loadSession(sessionId);
      if (session === null) return deps.renderError(res, 400, 'Registration', NO_SESSION);
      if (req.method !== 'POST') return renderForm(req, res, 200, sessionId, {});

      const email = normalizeEmail(param(req.form, 'email') ?? '').slice(0, 254);
      const password = param(req.form, 'password') ?? '';
      const confirm = param(req.form, 'password_confirm') ?? '';
      if (!hasValidCsrfToken(req)) return renderForm(req, res, 403, sessionId, { email, error: 'Your session expired. Please try again.' });
      if (!isValidEmail(email)) return renderForm(req, res, 400, sessionId, { email, error: 'Please supply a valid email address.' });
      const problem = newPasswordProblem(password, { email });
      if (problem !== null) return renderForm(req, res, 400, sessionId, { email, error: problem });
      if (password !== confirm) return renderForm(req, res, 400, sessionId, { email, error: 'The two passwords differ.' });
      const verdict = await deps.limits.count('register', email, req.clientAddress);
      if (verdict.addressBlocked) {
        return deps.renderError(res, 429, 'Too many requests', 'Too many accounts were requested from your address. Try again later.');
      }

      // createUser hashes the password before it finds the address taken: both cases cost the same.
      const created = await createUser(deps.prisma, {
        email,
        password,
        emailVerified: false,
        localConnectorId: deps.localConnectorId,
      }).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'CONFLICT') return null;
        throw error;
      });
      if (verdict.mayEmail) {
        if (created !== null) {
          deps.emailer.sendLater('verify-email', async () => {
            const { url, email: to } = await deps.links.create({ purpose: 'verify-email', userId: created.id, audience: session.clientId });
            return { to, link: url };
          });
        } else {
          deps.emailer.sendLater('account-exists', async () => {
            const existing = await findUserByEmail(deps.prisma, email);
            if (existing === null || existing.disabled) return null;
            const { url, email: to } = await deps.links.create({
              purpose: 'reset-password',
              userId: existing.id,
              audience: session.clientId,
            });
            return { to, link: url };
          });
        }
      }
      sendHtml(
        res,
        200,
        renderMessagePage({
          issuerName: deps.issuerName,
          title: 'Check your email',
          message: `We sent a message to ${email}. Follow the link in it to verify your address. To continue now, log in with your new password.`,
          link: { href: localLoginUrl(deps, sessionId, email), text: 'Continue to log in', id: 'continue-login' },
        }),
        { noStore: true },
      );
    },
  };
}
