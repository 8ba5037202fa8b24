import type { ServerResponse } from 'node:http';
import type { PrismaDb } from '@dex/shared/db';
import {
  type AuthSessionRecord,
  awaitConsent,
  awaitRegistration,
  type ConnectorIdentity,
  createBrowserSession,
  findAuthSession,
  identifyAuthSession,
  saveOfflineSession,
} from '@dex/shared/domain/auth';
import { findClient, OOB_REDIRECT_URI } from '@dex/shared/domain/clients';
import { createUser, findUserByRemoteIdentity, LOCAL_CONNECTOR_ID, normalizeEmail, type UserRecord } from '@dex/shared/domain/users';
import { redirect, sendHtml } from '#http/respond.ts';
import type { RecordLoginEvent } from '#ops/login-event-recorder.ts';
import { type SessionCookieOptions, setSessionCookie } from '#http/session-cookie.ts';
import { sealRefreshData } from '#connectors/refresh-data-seal.ts';
import type { RefreshData } from '#connectors/types.ts';
import type { RenderError } from '#pages/error-page.ts';
import { renderMessagePage } from '#pages/account-pages.ts';
import { renderOobPage } from '#pages/oob-page.ts';
import { approvalPath, needsConsent } from './consent.ts';
import { type ResponseMode, respondToClient } from './redirect.ts';

export interface CompleteLoginDeps {
  prisma: PrismaDb;
  /** Create users on their first login through an upstream connector (`--enable-automatic-registration`). */
  automaticRegistration: boolean;
  issuer: string;
  issuerName: string;
  /** The issuer URL's path (`/dex`), for the approval screen's URL. */
  issuerPath: string;
  /** Single sign-on: how long a browser session lasts, or null when SSO is off. */
  ssoSessionTtlMs: number | null;
  cookie: SessionCookieOptions;
  renderError: RenderError;
  /** Seal the connectors' refresh data (`--key-secrets`; the first one seals). */
  keySecrets: readonly Uint8Array[];
  /** Records the login's outcome (`success`, or `failure` for no account or a disabled one). */
  recordLoginEvent: RecordLoginEvent;
  /**
   * `--enable-registration`: an upstream identity without a user (and no automatic
   * registration) goes to its registration page instead of "No account".
   */
  registration: boolean;
  /** The display name of a configured connector, undefined when there is no such connector. */
  connectorName(connectorId: string): Promise<string | undefined>;
}

export interface IdentifiedLogin {
  userId: string;
  connectorId: string;
  identity: ConnectorIdentity;
  authTime: Date;
}

const EXPIRED = 'This login request is no longer valid. Go back to the application and start again.';

/**
 * Records who logged in on the authorization session, issues the single-use code and hands
 * it to the client: in its response mode with `code`, `state` and `iss`, or, for the
 * out-of-band redirect URI, a page that shows the code (reference §2.11). When the user has
 * to approve the client first (see `needsConsent`), the session waits for it and the browser
 * goes to the approval screen instead.
 */
export async function issueCode(
  deps: CompleteLoginDeps,
  res: ServerResponse,
  session: AuthSessionRecord,
  login: IdentifiedLogin,
): Promise<void> {
  const client = await findClient(deps.prisma, session.clientId);
  if (client === null) {
    deps.renderError(res, 400, 'Login expired', EXPIRED);
    return;
  }
  if (await needsConsent(deps.prisma, { client, userId: login.userId, scopes: session.scopes, force: session.forceConsent })) {
    if (await awaitConsent(deps.prisma, { sessionId: session.id, ...login })) redirect(res, approvalPath(deps.issuerPath, session.id));
    else deps.renderError(res, 400, 'Login expired', EXPIRED);
    return;
  }
  deliverCode(deps, res, session, await identifyAuthSession(deps.prisma, { sessionId: session.id, ...login }));
}

/** Issues the code of a session the user approved on the approval screen, and hands it to the client. */
export async function issueApprovedCode(deps: CompleteLoginDeps, res: ServerResponse, session: AuthSessionRecord): Promise<void> {
  const { userId, connectorId, identity } = session;
  const code =
    userId === null || connectorId === null || identity === null
      ? null
      : await identifyAuthSession(deps.prisma, {
          sessionId: session.id,
          userId,
          connectorId,
          identity,
          ...(session.authTime === null ? {} : { authTime: session.authTime }),
          from: 'CONSENT',
        });
  deliverCode(deps, res, session, code);
}

function deliverCode(deps: CompleteLoginDeps, res: ServerResponse, session: AuthSessionRecord, code: string | null): void {
  if (code === null) {
    deps.renderError(res, 400, 'Login expired', EXPIRED);
    return;
  }
  if (session.redirectUri === OOB_REDIRECT_URI) {
    sendHtml(res, 200, renderOobPage({ issuerName: deps.issuerName, code }), { noStore: true });
    return;
  }
  answerClient(deps, res, session, { code });
}

/** Sends an authorization response (a code or an error) to the session's client, in its response mode. */
export function answerClient(
  deps: { issuer: string; issuerName: string },
  res: ServerResponse,
  session: AuthSessionRecord,
  params: Record<string, string>,
): void {
  respondToClient(res, {
    redirectUri: session.redirectUri,
    mode: session.responseMode as ResponseMode,
    issuerName: deps.issuerName,
    params: { ...params, state: session.clientState ?? undefined, iss: deps.issuer },
  });
}

/** Where an email that already has an account logs in: its connector's name and a link that starts the same request there. */
export interface ConnectorGuidance {
  connectorId: string;
  connectorName: string;
  href: string;
}

/** The page of the switch to another connector for the same authorization request (see `switchConnectorRoute`). */
export function switchConnectorUrl(issuerPath: string, options: { sessionId: string; connectorId: string; loginHint?: string }): string {
  const query = new URLSearchParams({ session: options.sessionId, connector_id: options.connectorId });
  if (options.loginHint !== undefined && options.loginHint !== '') query.set('login_hint', options.loginHint);
  return `${issuerPath}/switch-connector?${query.toString()}`;
}

/**
 * The connector the owner of `email` logs in with (their first identity's, as in dex v0),
 * as guidance for the session: null when nobody owns the email; `connectorName` undefined
 * when the owner has no identity at a configured connector (an administrator must help).
 */
export async function guidanceForEmail(
  deps: Pick<CompleteLoginDeps, 'prisma' | 'issuerPath' | 'connectorName'>,
  options: { sessionId: string; email: string },
): Promise<ConnectorGuidance | { connectorName: undefined } | null> {
  const owner = await deps.prisma.user.findUnique({
    where: { email: normalizeEmail(options.email) },
    include: { remoteIdentities: { orderBy: { createdAt: 'asc' }, take: 1 } },
  });
  if (owner === null) return null;
  const connectorId = owner.remoteIdentities[0]?.connectorId;
  const connectorName = connectorId === undefined ? undefined : await deps.connectorName(connectorId);
  if (connectorId === undefined || connectorName === undefined) return { connectorName: undefined };
  const href = switchConnectorUrl(deps.issuerPath, { sessionId: options.sessionId, connectorId, loginHint: owner.email });
  return { connectorId, connectorName, href };
}

type ResolvedUser =
  | UserRecord
  | { register: true }
  | { problem: { title: string; message: string; reason: 'wrong_connector' | 'no_account'; link?: ConnectorGuidance } };

/**
 * Maps an upstream identity to a dex user (reference §2.4, §6.3): the linked user if there is
 * one; otherwise, when the email already belongs to a user of another connector, the v0
 * "wrong connector" guidance with a link to that connector (never a silent merge); otherwise,
 * with automatic registration, a new user linked to the identity (`email_verified` as the
 * connector vouches); otherwise, with self-registration, the registration page.
 */
async function resolveUser(
  deps: CompleteLoginDeps,
  options: { sessionId: string; connectorId: string; identity: ConnectorIdentity },
): Promise<ResolvedUser> {
  const { connectorId, identity } = options;
  const linked = await findUserByRemoteIdentity(deps.prisma, { connectorId, remoteId: identity.id });
  if (linked !== null) return linked;
  const email = identity.email?.trim() ?? '';
  if (email !== '') {
    const guidance = await guidanceForEmail(deps, { sessionId: options.sessionId, email });
    if (guidance !== null) {
      return {
        problem: {
          title: 'Wrong way to log in',
          reason: 'wrong_connector',
          ...(guidance.connectorName === undefined
            ? { message: 'An account with this email address already exists. Ask an administrator to link it.' }
            : {
                message: `An account with this email address already exists, and it logs in with ${guidance.connectorName}.`,
                link: guidance,
              }),
        },
      };
    }
  }
  const isRemote = connectorId !== LOCAL_CONNECTOR_ID;
  if (isRemote && deps.automaticRegistration && email !== '') {
    return createUser(deps.prisma, {
      email,
      displayName: identity.name ?? '',
      emailVerified: identity.emailVerified ?? false,
      remoteIdentity: { connectorId, remoteId: identity.id },
    });
  }
  if (isRemote && deps.registration) return { register: true };
  return {
    problem: {
      title: 'No account',
      reason: 'no_account',
      message: 'There is no account for this identity. Ask an administrator to create one.',
    },
  };
}

/** The path of the registration page of an upstream identity waiting on session `sessionId`. */
export function remoteRegistrationUrl(issuerPath: string, sessionId: string): string {
  return `${issuerPath}/register/identity?${new URLSearchParams({ session: sessionId }).toString()}`;
}

export interface FinishLoginOptions {
  connectorId: string;
  identity: ConnectorIdentity;
  refreshData?: RefreshData;
  clientAddress: string;
}

/**
 * The end of a login once the user is known: refuses a disabled user (`access_denied` to the
 * client), records the success, keeps the connector's refresh data, starts the single sign-on
 * session and issues the code. The session must be NEW.
 */
export async function finishLogin(
  deps: CompleteLoginDeps,
  res: ServerResponse,
  session: AuthSessionRecord,
  user: UserRecord,
  options: FinishLoginOptions,
): Promise<void> {
  const event = { connectorId: options.connectorId, clientId: session.clientId, clientAddress: options.clientAddress };
  if (user.disabled) {
    await deps.recordLoginEvent({ ...event, type: 'failure', reason: 'disabled', userId: user.id, email: user.email });
    answerClient(deps, res, session, { error: 'access_denied', error_description: 'the account is disabled' });
    return;
  }
  await deps.recordLoginEvent({ ...event, type: 'success', userId: user.id, email: user.email });
  const login: IdentifiedLogin = { userId: user.id, connectorId: options.connectorId, identity: options.identity, authTime: new Date() };
  // What the connector needs to read the identity again at a refresh. Kept at every fresh
  // login, not only those asking for offline_access: a later login answered from the single
  // sign-on session (no connector round trip) may ask for it and refresh from this one.
  if (options.refreshData !== undefined) {
    await saveOfflineSession(deps.prisma, {
      userId: user.id,
      connectorId: options.connectorId,
      groups: options.identity.groups ?? [],
      connectorData: sealRefreshData(options.refreshData, deps.keySecrets),
      now: login.authTime,
    });
  }
  if (deps.ssoSessionTtlMs !== null) {
    const cookie = await createBrowserSession(deps.prisma, { ...login, ttlMs: deps.ssoSessionTtlMs, now: login.authTime });
    setSessionCookie(res, cookie, deps.ssoSessionTtlMs, deps.cookie);
  }
  await issueCode(deps, res, session, login);
}

/**
 * The end of every connector's login (reference §2.4 `Server.Login`): maps the upstream
 * identity to a dex user, starts the browser's single sign-on session and issues the code.
 * When the connector can refresh (it gave refresh data: LDAP always, upstream OIDC when the
 * upstream issued a refresh token), the data (sealed) and the groups go to the user's offline
 * session at that connector (dex v2's), which refresh grants read and update; the refresh data
 * never reaches the auth or browser session.
 * An upstream identity without a user, with `--enable-registration` and no automatic
 * registration, waits on the session (REGISTER) and the browser goes to its registration page;
 * its refresh data is not kept (the next login through the connector keeps it).
 * Records the outcome as a login event: `success`, or `failure` with `no_account`,
 * `wrong_connector` or `disabled` (none while the user registers: the registration's end
 * records the success).
 */
export function createCompleteLogin(deps: CompleteLoginDeps) {
  return async (options: {
    sessionId: string;
    connectorId: string;
    identity: ConnectorIdentity;
    refreshData?: RefreshData;
    clientAddress: string;
    res: ServerResponse;
  }): Promise<void> => {
    const { res } = options;
    const session = await findAuthSession(deps.prisma, options.sessionId);
    if (session === null || session.state !== 'NEW') {
      deps.renderError(res, 400, 'Login expired', EXPIRED);
      return;
    }
    const user = await resolveUser(deps, { sessionId: session.id, connectorId: options.connectorId, identity: options.identity });
    if ('register' in user) {
      if (await awaitRegistration(deps.prisma, { sessionId: session.id, connectorId: options.connectorId, identity: options.identity })) {
        redirect(res, remoteRegistrationUrl(deps.issuerPath, session.id));
      } else {
        deps.renderError(res, 400, 'Login expired', EXPIRED);
      }
      return;
    }
    if ('problem' in user) {
      const { problem } = user;
      await deps.recordLoginEvent({
        connectorId: options.connectorId,
        clientId: session.clientId,
        clientAddress: options.clientAddress,
        type: 'failure',
        reason: problem.reason,
        email: options.identity.email ?? '',
      });
      if (problem.link === undefined) deps.renderError(res, 403, problem.title, problem.message);
      else {
        sendHtml(
          res,
          403,
          renderMessagePage({
            issuerName: deps.issuerName,
            title: problem.title,
            message: problem.message,
            link: { href: problem.link.href, text: `Log in with ${problem.link.connectorName}`, id: 'login-with-connector' },
          }),
          { noStore: true },
        );
      }
      return;
    }
    await finishLogin(deps, res, session, user, options);
  };
}
