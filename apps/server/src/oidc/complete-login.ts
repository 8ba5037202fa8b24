import type { ServerResponse } from 'node:http';
import type { PrismaDb } from '@dex/shared/db';
import {
  type AuthSessionRecord,
  awaitConsent,
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

type ResolvedUser = UserRecord | { problem: { title: string; message: string; reason: 'wrong_connector' | 'no_account' } };

/**
 * Maps an upstream identity to a dex user (reference §2.4, §6.3): the linked user if there is
 * one; otherwise, when the email already belongs to a user of another connector, the v0
 * "wrong connector" guidance (never a silent merge); otherwise, with automatic registration,
 * a new user linked to the identity (`email_verified` as the connector vouches).
 */
async function resolveUser(deps: CompleteLoginDeps, connectorId: string, identity: ConnectorIdentity): Promise<ResolvedUser> {
  const linked = await findUserByRemoteIdentity(deps.prisma, { connectorId, remoteId: identity.id });
  if (linked !== null) return linked;
  const email = identity.email?.trim() ?? '';
  if (email !== '') {
    const owner = await deps.prisma.user.findUnique({
      where: { email: normalizeEmail(email) },
      include: { remoteIdentities: { orderBy: { createdAt: 'asc' }, take: 1 } },
    });
    if (owner !== null) {
      const other = owner.remoteIdentities[0]?.connectorId;
      return {
        problem: {
          title: 'Wrong way to log in',
          reason: 'wrong_connector',
          message:
            other === undefined
              ? 'An account with this email address already exists. Ask an administrator to link it.'
              : `An account with this email address already exists and logs in with "${other}". Go back and log in with "${other}" instead.`,
        },
      };
    }
  }
  if (!deps.automaticRegistration || connectorId === LOCAL_CONNECTOR_ID || email === '') {
    return {
      problem: {
        title: 'No account',
        reason: 'no_account',
        message: 'There is no account for this identity. Ask an administrator to create one.',
      },
    };
  }
  return createUser(deps.prisma, {
    email,
    displayName: identity.name ?? '',
    emailVerified: identity.emailVerified ?? false,
    remoteIdentity: { connectorId, remoteId: identity.id },
  });
}

/**
 * The end of every connector's login (reference §2.4 `Server.Login`): maps the upstream
 * identity to a dex user, starts the browser's single sign-on session and issues the code.
 * When the connector can refresh (it gave refresh data: LDAP always, upstream OIDC when the
 * upstream issued a refresh token), the data (sealed) and the groups go to the user's offline
 * session at that connector (dex v2's), which refresh grants read and update; the refresh data
 * never reaches the auth or browser session.
 * Records the outcome as a login event: `success`, or `failure` with `no_account`,
 * `wrong_connector` or `disabled`.
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
    const event = { connectorId: options.connectorId, clientId: session.clientId, clientAddress: options.clientAddress };
    const user = await resolveUser(deps, options.connectorId, options.identity);
    if ('problem' in user) {
      await deps.recordLoginEvent({ ...event, type: 'failure', reason: user.problem.reason, email: options.identity.email ?? '' });
      deps.renderError(res, 403, user.problem.title, user.problem.message);
      return;
    }
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
  };
}
