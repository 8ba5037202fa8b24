import { findAuthSession } from '@dex/shared/domain/auth';
import { isValidEmail, normalizeEmail } from '@dex/shared/domain/users';
import { hasValidCsrfToken, issueCsrfToken } from '#http/csrf.ts';
import { param } from '#http/params.ts';
import type { WorkerRequest } from '#http/request.ts';
import { sendHtml, type WorkerResponse } from '#http/respond.ts';
import type { Route } from '#http/router.ts';
import { renderMessagePage, renderSendResetPage } from '#pages/account-pages.ts';
import { type AccountDeps, localLoginUrl } from './account-deps.ts';

/**
 * `<issuer>/send-reset-password` (dex v0 §2.9): GET shows the form (from the login page's
 * "Forgot your password?" link, `?session=` keeps the way back to that login); POST (CSRF)
 * always answers the same "check your email" page for a well-formed address, whether or not
 * it has an account. The user is looked up, the link signed and the email sent after the
 * answer, so neither the page nor its timing tells. Requests are limited per client address
 * (429 past the limit, whatever the address typed) and per email address (past it, nothing
 * more is sent, the page is the same).
 */
export function sendResetPasswordRoute(deps: AccountDeps): Route {
  const postUrl = `${deps.issuerPath}/send-reset-password`;

  /** The authorization session the form came from, if it is still pending at the local connector. */
  async function pendingSession(sessionId: string | undefined) {
    if (sessionId === undefined || sessionId === '' || sessionId.length > 128) return null;
    const session = await findAuthSession(deps.prisma, sessionId);
    return session !== null && session.state === 'NEW' && session.connectorId === deps.localConnectorId ? session : null;
  }

  function renderForm(
    req: WorkerRequest,
    res: WorkerResponse,
    status: number,
    extra: { session?: string; email?: string; error?: string },
  ) {
    const csrfToken = issueCsrfToken(req, res, deps.cookie);
    sendHtml(res, status, renderSendResetPage({ issuerName: deps.issuerName, postUrl, csrfToken, ...extra }), { noStore: true });
  }

  return {
    methods: ['GET', 'POST'],
    errors: 'html',
    body: 'form',
    async handle(req, res) {
      const session = await pendingSession(param(req.method === 'POST' ? req.form : req.query, 'session'));
      const keep = session === null ? {} : { session: session.id };
      if (req.method !== 'POST') return renderForm(req, res, 200, keep);

      const email = normalizeEmail(param(req.form, 'email') ?? '').slice(0, 254);
      if (!hasValidCsrfToken(req)) return renderForm(req, res, 403, { ...keep, email, error: 'Your session expired. Please try again.' });
      if (!isValidEmail(email)) return renderForm(req, res, 400, { ...keep, email, error: 'Please supply a valid email address.' });
      const verdict = await deps.limits.count('reset', email, req.clientAddress);
      if (verdict.addressBlocked) {
        return deps.renderError(
          res,
          429,
          'Too many requests',
          'Too many password resets were requested from your address. Try again later.',
        );
      }
      if (verdict.mayEmail) {
        deps.emailer.sendLater('password-reset', async () => {
          const user = await deps.prisma.user.findUnique({ where: { email }, select: { id: true, disabled: true } });
          if (user === null || user.disabled) return null;
          const { url, email: to } = await deps.links.create({
            purpose: 'reset-password',
            userId: user.id,
            ...(session === null ? {} : { audience: session.clientId }),
          });
          return { to, link: url };
        });
      }
      sendHtml(
        res,
        200,
        renderMessagePage({
          issuerName: deps.issuerName,
          title: 'Check your email',
          message: `If ${email} has an account, we sent it a link to choose a new password. The link works once, for one hour.`,
          ...(session === null
            ? {}
            : { link: { href: localLoginUrl(deps, session.id, email), text: 'Back to log in', id: 'back-to-login' } }),
        }),
        { noStore: true },
      );
    },
  };
}
