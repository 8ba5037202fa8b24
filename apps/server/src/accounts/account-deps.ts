import type { PrismaDb } from '@dex/shared/db';
import type { Emailer } from '@dex/shared/email';
import type { CsrfOptions } from '#http/csrf.ts';
import type { EmailLimits } from '#http/email-limits.ts';
import type { RenderError } from '#pages/error-page.ts';
import type { AccountLinks } from './account-links.ts';

/** What the account pages (registration, verification, password reset, invitations) share. */
export interface AccountDeps {
  prisma: PrismaDb;
  issuer: string;
  /** The issuer URL's path (`/dex`): pages link to each other below it. */
  issuerPath: string;
  issuerName: string;
  links: AccountLinks;
  emailer: Emailer;
  limits: EmailLimits;
  renderError: RenderError;
  /** The CSRF cookie's path and Secure flag. */
  cookie: CsrfOptions;
  /** The id of the local connector, whose users register and reset passwords here. */
  localConnectorId: string;
}

/** The local connector's login form for an authorization session, with the email filled in. */
export function localLoginUrl(deps: AccountDeps, sessionId: string, email?: string): string {
  const query = new URLSearchParams({ session: sessionId });
  if (email !== undefined && email !== '') query.set('login_hint', email);
  return `${deps.issuerPath}/auth/${encodeURIComponent(deps.localConnectorId)}/login?${query.toString()}`;
}
