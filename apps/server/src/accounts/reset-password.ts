import type { TLinkPurpose } from '@dex/shared/domain/links';
import { newPasswordProblem, setPasswordByLink } from '@dex/shared/domain/users';
import { hasValidCsrfToken, issueCsrfToken } from '#http/csrf.ts';
import { param } from '#http/params.ts';
import type { WorkerRequest } from '#http/request.ts';
import { redirect, sendHtml, type WorkerResponse } from '#http/respond.ts';
import type { Route } from '#http/router.ts';
import { renderMessagePage, renderResetPasswordPage } from '#pages/account-pages.ts';
import type { AccountDeps } from './account-deps.ts';

/** Reset links, and invitation links (`/accept-invitation` leads here): both set a password. */
const PASSWORD_LINKS: readonly TLinkPurpose[] = ['reset-password', 'invite'];
const DEAD = 'This link has expired or has already been used. Ask for a new one.';

/**
 * `<issuer>/reset-password?token=` (dex v0 §2.9): the new-password form of a reset or
 * invitation link; POST (CSRF, the password policy, the two entries equal) sets the password
 * once: the link is bound to the password hash it was made for, so it dies when the password
 * changes. Then every browser session and refresh token of the user ends; an invitation
 * also verifies the email. Bad or dead links are a 400 page.
 */
export function resetPasswordRoute(deps: AccountDeps): Route {
  const postUrl = `${deps.issuerPath}/reset-password`;

  function renderForm(
    req: WorkerRequest,
    res: WorkerResponse,
    status: number,
    form: { token: string; email: string; purpose: TLinkPurpose; error?: string },
  ) {
    const csrfToken = issueCsrfToken(req, res, deps.cookie);
    const title = form.purpose === 'invite' ? 'Activate your account' : 'Choose a new password';
    const page = renderResetPasswordPage({
      issuerName: deps.issuerName,
      title,
      postUrl,
      csrfToken,
      token: form.token,
      email: form.email,
      ...(form.error === undefined ? {} : { error: form.error }),
    });
    sendHtml(res, status, page, { noStore: true });
  }

  return {
    methods: ['GET', 'POST'],
    errors: 'html',
    body: 'form',
    async handle(req, res) {
      const token = param(req.method === 'POST' ? req.form : req.query, 'token') ?? '';
      const checked = await deps.links.verify(token, PASSWORD_LINKS);
      if (!checked.ok) {
        return deps.renderError(
          res,
          400,
          'Bad Password Reset Token',
          checked.problem === 'expired' ? DEAD : 'This is not a valid password link.',
        );
      }
      const { claims } = checked;
      const form = { token, email: claims.email, purpose: claims.purpose };
      if (req.method !== 'POST') return renderForm(req, res, 200, form);

      const password = param(req.form, 'password') ?? '';
      if (!hasValidCsrfToken(req)) return renderForm(req, res, 403, { ...form, error: 'Your session expired. Please try again.' });
      const problem = newPasswordProblem(password, { email: claims.email });
      if (problem !== null) return renderForm(req, res, 400, { ...form, error: problem });
      if (password !== (param(req.form, 'password_confirm') ?? ''))
        return renderForm(req, res, 400, { ...form, error: 'The two passwords differ.' });
      const result = await setPasswordByLink(deps.prisma, {
        userId: claims.sub,
        fingerprint: claims.pwd ?? '',
        email: claims.email,
        password,
        verifyEmail: claims.purpose === 'invite',
        localConnectorId: deps.localConnectorId,
      });
      if (result === 'stale') return deps.renderError(res, 400, 'Link Expired', DEAD);
      if (claims.cb !== undefined) return redirect(res, claims.cb);
      const message =
        claims.purpose === 'invite'
          ? 'Your account is active. Go back to the application and log in with your email address and new password.'
          : 'Your password has been reset. You were logged out everywhere; log in again with your new password.';
      sendHtml(res, 200, renderMessagePage({ issuerName: deps.issuerName, title: 'Password set', message }), { noStore: true });
    },
  };
}
