import type { ServerResponse } from 'node:http';
import type { PrismaDb } from '@dex/shared/db';
import { type AuthSessionRecord, findAuthSession, refuseConsent } from '@dex/shared/domain/auth';
import { type ClientRecord, findClient, OOB_REDIRECT_URI } from '@dex/shared/domain/clients';
import { findConsentedScopes, recordConsent } from '@dex/shared/domain/consents';
import { hasValidCsrfToken, issueCsrfToken } from '#http/csrf.ts';
import { param } from '#http/params.ts';
import type { WorkerRequest } from '#http/request.ts';
import { sendHtml } from '#http/respond.ts';
import type { Route } from '#http/router.ts';
import type { SessionCookieOptions } from '#http/session-cookie.ts';
import { renderConsentPage } from '#pages/consent-page.ts';
import type { RenderError } from '#pages/error-page.ts';

/**
 * Whether a login must be approved by the user before the client gets a code: always with
 * `prompt=consent`; otherwise not for a client the admin trusts (`trusted`, never a dynamically
 * registered one), and not when the user already approved this client for every scope asked.
 * @example if (await needsConsent(prisma, { client, userId, scopes, force: prompts.has('consent') })) ...
 */
export async function needsConsent(
  prisma: PrismaDb,
  options: { client: ClientRecord; userId: string; scopes: readonly string[]; force: boolean },
): Promise<boolean> {
  if (options.force) return true;
  if (options.client.trusted && !options.client.registered) return false;
  const approved = new Set(await findConsentedScopes(prisma, { userId: options.userId, clientId: options.client.id }));
  return options.scopes.some((scope) => !approved.has(scope));
}

export interface ApprovalDeps {
  prisma: PrismaDb;
  issuerName: string;
  issuerPath: string;
  cookie: SessionCookieOptions;
  renderError: RenderError;
  /** Issues the code of an approved session and hands it to the client. */
  approve(res: ServerResponse, session: AuthSessionRecord): Promise<void>;
  /** Tells the client the user said no (`access_denied`). */
  deny(res: ServerResponse, session: AuthSessionRecord): void;
}

const EXPIRED = 'This login request is no longer valid. Go back to the application and start again.';

/** The path of the approval screen of a session, below the issuer path. */
export function approvalPath(issuerPath: string, sessionId: string): string {
  return `${issuerPath}/approval?session=${encodeURIComponent(sessionId)}`;
}

/**
 * `GET|POST <issuer>/approval`: the approval screen of a session waiting for consent, and its
 * answer. Allow remembers the approval (per user, client and scopes) and issues the code;
 * Deny answers the client `access_denied`. The form carries the double-submit CSRF token of
 * the other pages; a session that is not waiting (expired, answered) gets the expired page.
 * @example routes.set('/approval', approvalRoute({ prisma, issuerName, issuerPath, cookie, renderError, approve, deny }));
 */
export function approvalRoute(deps: ApprovalDeps): Route {
  const waiting = async (sessionId: string | undefined) => {
    const session = sessionId === undefined || sessionId === '' ? null : await findAuthSession(deps.prisma, sessionId);
    if (session === null || session.state !== 'CONSENT' || session.userId === null) return null;
    const client = await findClient(deps.prisma, session.clientId);
    return client === null ? null : { session, client, userId: session.userId };
  };
  return {
    methods: ['GET', 'POST'],
    errors: 'html',
    body: 'form',
    async handle(req: WorkerRequest, res: ServerResponse) {
      const sessionId = param(req.params, 'session');
      const found = await waiting(sessionId);
      if (found === null) return deps.renderError(res, 400, 'Login expired', EXPIRED);
      const { session, client, userId } = found;
      if (req.method !== 'POST') {
        const csrfToken = issueCsrfToken(req, res, { path: deps.cookie.path, secure: deps.cookie.secure });
        const page = renderConsentPage({
          issuerName: deps.issuerName,
          postUrl: `${deps.issuerPath}/approval`,
          sessionId: session.id,
          csrfToken,
          clientName: client.name === '' ? client.id : client.name,
          redirectHost: session.redirectUri === OOB_REDIRECT_URI ? 'this page (a code to copy)' : new URL(session.redirectUri).host,
          scopes: session.scopes,
        });
        return sendHtml(res, 200, page, { noStore: true });
      }
      if (!hasValidCsrfToken(req)) {
        return deps.renderError(res, 403, 'Form expired', 'The approval form expired. Go back to the application and start again.');
      }
      const answer = param(req.form, 'approval');
      if (answer === 'approve') {
        const previous = await findConsentedScopes(deps.prisma, { userId, clientId: client.id });
        await recordConsent(deps.prisma, { userId, clientId: client.id, scopes: session.scopes, previous });
        return deps.approve(res, session);
      }
      if (answer !== 'deny') return deps.renderError(res, 400, 'Invalid request', 'Choose Allow or Deny.');
      if (!(await refuseConsent(deps.prisma, session.id))) return deps.renderError(res, 400, 'Login expired', EXPIRED);
      deps.deny(res, session);
    },
  };
}
