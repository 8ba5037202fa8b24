import { type AuthSessionRecord, endRegistration, findAuthSession } from '@dex/shared/domain/auth';
import { createUser, findUserByRemoteIdentity, isValidEmail, normalizeEmail, type UserRecord } from '@dex/shared/domain/users';
import { AppError } from '@dex/shared/errors';
import { hasValidCsrfToken, issueCsrfToken } from '#http/csrf.ts';
import { param } from '#http/params.ts';
import type { WorkerRequest } from '#http/request.ts';
import { sendHtml, type WorkerResponse } from '#http/respond.ts';
import type { Route } from '#http/router.ts';
import { type CompleteLoginDeps, type ConnectorGuidance, finishLogin, guidanceForEmail } from '#oidc/complete-login.ts';
import { renderRemoteRegisterPage } from '#pages/remote-register-page.ts';
import type { AccountDeps } from './account-deps.ts';

export interface RegisterIdentityDeps extends AccountDeps {
  /** How the login of the authorization request goes on once the user exists. */
  login: CompleteLoginDeps;
}

const EXPIRED = 'This login request is no longer valid. Go back to the application and start again.';
const DONE_ELSEWHERE =
  'This account was created meanwhile, and this login request already went on in another window. Go back to the application to continue.';

/** A session waiting for the registration of its upstream identity. */
type PendingSession = AuthSessionRecord & { connectorId: string; identity: NonNullable<AuthSessionRecord['identity']> };

const isPending = (session: AuthSessionRecord): session is PendingSession =>
  session.state === 'REGISTER' && session.connectorId !== null && session.identity !== null;

/**
 * `<issuer>/register/identity?session=` (with `--enable-registration`, no automatic
 * registration; dex v0 §2.7 for a remote identity): the page an upstream identity without a
 * dex user lands on. The identity comes from the authorization session (REGISTER), never from
 * the form. When the connector vouched for the email (`emailVerified`: a trusted email
 * provider, a verified upstream claim, LDAP), the account gets that email, verified, and the
 * user only confirms: an email field in the form is ignored (v0's anti-forgery). Otherwise
 * the user may change the email; the account starts unverified and the address gets the
 * verification link. CSRF-protected like the other forms.
 *
 * An email that already has an account: the page says so and links to the connector it logs
 * in with, for the same authorization request. The identity registered meanwhile (another
 * window): the login goes on with that user, or, when the other window already finished this
 * very request, a 409 page. Unique constraints keep it to one user whatever the timing.
 * Success: the user is created and linked, and the login finishes (the code goes to the
 * client, or the approval screen comes first).
 */
export function registerIdentityRoute(deps: RegisterIdentityDeps): Route {
  const postUrl = `${deps.issuerPath}/register/identity`;

  function renderForm(
    req: WorkerRequest,
    res: WorkerResponse,
    status: number,
    view: { session: PendingSession; connectorName: string; email: string; isEmailTrusted: boolean },
    extra: { error?: string; guidance?: ConnectorGuidance } = {},
  ) {
    const csrfToken = issueCsrfToken(req, res, deps.cookie);
    const page = renderRemoteRegisterPage({
      issuerName: deps.issuerName,
      postUrl,
      sessionId: view.session.id,
      csrfToken,
      connectorName: view.connectorName,
      email: view.email,
      isEmailTrusted: view.isEmailTrusted,
      ...(extra.error === undefined ? {} : { error: extra.error }),
      ...(extra.guidance === undefined ? {} : { guidance: { connectorName: extra.guidance.connectorName, href: extra.guidance.href } }),
    });
    sendHtml(res, status, page, { noStore: true });
  }

  /** Finishes the login of the registered identity, once: the other of two racing requests gets the 409 page. */
  async function continueLogin(req: WorkerRequest, res: WorkerResponse, session: PendingSession, user: UserRecord) {
    if (!(await endRegistration(deps.prisma, session.id))) return deps.renderError(res, 409, 'Already registered', DONE_ELSEWHERE);
    await finishLogin(deps.login, res, { ...session, state: 'NEW' }, user, {
      connectorId: session.connectorId,
      identity: session.identity,
      clientAddress: req.clientAddress,
    });
  }

  return {
    methods: ['GET', 'POST'],
    errors: 'html',
    body: 'form',
    async handle(req, res) {
      const sessionId = param(req.method === 'POST' ? req.form : req.query, 'session') ?? '';
      const session = sessionId === '' || sessionId.length > 128 ? null : await findAuthSession(deps.prisma, sessionId);
      if (session === null) return deps.renderError(res, 400, 'Login expired', EXPIRED);
      if (!isPending(session)) {
        // Registered and logged in through another window (same request), or never waiting for a
        // registration. NEW with an identity: another request ended the registration and is
        // finishing this login at this moment (endRegistration, then finishLogin).
        const finished = session.identity !== null && ['NEW', 'CONSENT', 'IDENTIFIED', 'EXCHANGED'].includes(session.state);
        return finished
          ? deps.renderError(res, 409, 'Already registered', DONE_ELSEWHERE)
          : deps.renderError(res, 400, 'Login expired', EXPIRED);
      }
      const connectorName = await deps.login.connectorName(session.connectorId);
      if (connectorName === undefined) return deps.renderError(res, 400, 'Login expired', EXPIRED);

      const { identity } = session;
      const upstreamEmail = normalizeEmail(identity.email ?? '');
      const isEmailTrusted = identity.emailVerified === true && isValidEmail(upstreamEmail);
      if (req.method !== 'POST') {
        return renderForm(req, res, 200, { session, connectorName, email: upstreamEmail, isEmailTrusted });
      }

      // Trusted: the session's email, whatever the form says.
      const email = isEmailTrusted ? upstreamEmail : normalizeEmail(param(req.form, 'email') ?? '').slice(0, 254);
      const view = { session, connectorName, email, isEmailTrusted };
      if (!hasValidCsrfToken(req)) return renderForm(req, res, 403, view, { error: 'Your session expired. Please try again.' });
      if (!isValidEmail(email)) return renderForm(req, res, 400, view, { error: 'Please supply a valid email address.' });

      const linkedUser = () => findUserByRemoteIdentity(deps.prisma, { connectorId: session.connectorId, remoteId: identity.id });
      /** Answers when the identity or the email has a user already (possibly since a moment); false when neither has. */
      const answeredExisting = async (): Promise<boolean> => {
        const linked = await linkedUser();
        if (linked !== null) {
          await continueLogin(req, res, session, linked);
          return true;
        }
        const guidance = await guidanceForEmail(deps.login, { sessionId: session.id, email });
        if (guidance === null) return false;
        // The email's owner may be this very identity, registered by another window in between.
        const raced = await linkedUser();
        if (raced !== null) {
          await continueLogin(req, res, session, raced);
          return true;
        }
        const error =
          guidance.connectorName === undefined
            ? 'An account with this email address already exists. Ask an administrator to link it.'
            : `An account with this email address already exists, and it logs in with ${guidance.connectorName}.`;
        renderForm(req, res, 409, view, { error, ...(guidance.connectorName === undefined ? {} : { guidance }) });
        return true;
      };
      if (await answeredExisting()) return;

      const verdict = isEmailTrusted ? null : await deps.limits.count('register', email, req.clientAddress);
      if (verdict?.addressBlocked === true) {
        return deps.renderError(res, 429, 'Too many requests', 'Too many accounts were requested from your address. Try again later.');
      }
      const created = await createUser(deps.prisma, {
        email,
        displayName: identity.name ?? '',
        emailVerified: isEmailTrusted,
        remoteIdentity: { connectorId: session.connectorId, remoteId: identity.id },
      }).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'CONFLICT') return null;
        throw error;
      });
      if (created === null) {
        // Someone was faster: this identity (another window), or the email (another person).
        if (await answeredExisting()) return;
        return deps.renderError(
          res,
          409,
          'Already registered',
          'This account was created meanwhile. Go back to the application and log in again.',
        );
      }
      if (verdict?.mayEmail === true) {
        deps.emailer.sendLater('verify-email', async () => {
          const { url, email: to } = await deps.links.create({ purpose: 'verify-email', userId: created.id, audience: session.clientId });
          return { to, link: url };
        });
      }
      await continueLogin(req, res, session, created);
    },
  };
}
