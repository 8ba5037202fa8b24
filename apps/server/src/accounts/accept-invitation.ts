import { param } from '#http/params.ts';
import { redirect } from '#http/respond.ts';
import type { Route } from '#http/router.ts';
import type { AccountDeps } from './account-deps.ts';

/**
 * `GET <issuer>/accept-invitation?token=` (dex v0 §2.10): checks the invitation link and
 * sends the browser (302) to the password form of `/reset-password` with it, where choosing
 * a password activates the account and verifies the email. A bad or expired invitation is a
 * 400 page.
 */
export function acceptInvitationRoute(deps: Pick<AccountDeps, 'links' | 'issuerPath' | 'renderError'>): Route {
  return {
    methods: ['GET'],
    errors: 'html',
    async handle(req, res) {
      const token = param(req.query, 'token') ?? '';
      const checked = await deps.links.verify(token, ['invite']);
      if (!checked.ok) {
        const message =
          checked.problem === 'expired' ? 'This invitation has expired. Ask for a new one.' : 'Your invitation could not be verified.';
        return deps.renderError(res, 400, 'Invalid invitation', message);
      }
      redirect(res, `${deps.issuerPath}/reset-password?token=${encodeURIComponent(token)}`);
    },
  };
}
