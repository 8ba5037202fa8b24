import { markEmailVerified } from '@dex/shared/domain/users';
import { param } from '#http/params.ts';
import { sendHtml } from '#http/respond.ts';
import type { Route } from '#http/router.ts';
import { renderMessagePage } from '#pages/account-pages.ts';
import type { AccountDeps } from './account-deps.ts';

/**
 * `GET <issuer>/verify-email?token=` (dex v0 §2.8): a verification link sets the user's
 * `emailVerified`, so later ID tokens say `email_verified: true`. The link must be a
 * verification link (not a reset or invitation link), unexpired, and for the user's current
 * address. Every refusal is a 400 page.
 */
export function verifyEmailRoute(deps: Pick<AccountDeps, 'links' | 'prisma' | 'issuerName' | 'renderError'>): Route {
  return {
    methods: ['GET'],
    errors: 'html',
    async handle(req, res) {
      const checked = await deps.links.verify(param(req.query, 'token') ?? '', ['verify-email']);
      if (!checked.ok) {
        const message =
          checked.problem === 'expired'
            ? 'Your email link has expired. Log in and ask for a new one.'
            : 'This is not a valid email verification link.';
        return deps.renderError(res, 400, 'Bad Email Verification Token', message);
      }
      const result = await markEmailVerified(deps.prisma, { userId: checked.claims.sub, email: checked.claims.email });
      if (result === 'mismatch') {
        return deps.renderError(res, 400, 'Email not verified', 'Your email link does not match the email address on file.');
      }
      const message =
        result === 'verified' ? `Thank you: ${checked.claims.email} is verified.` : `${checked.claims.email} was already verified.`;
      sendHtml(res, 200, renderMessagePage({ issuerName: deps.issuerName, title: 'Email verified', message }), { noStore: true });
    },
  };
}
