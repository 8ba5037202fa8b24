import { randomToken, sha256Hex } from '#crypto/index.ts';
import type { PrismaDb } from '#db/create-database.ts';

/**
 * NEW → (CONSENT: logged in, waiting for the user's approval) → IDENTIFIED (a code issued) → EXCHANGED.
 * With self-registration, an upstream identity that has no user yet waits in REGISTER (the
 * identity held by the session, not by the browser) until the user registers it, then goes
 * back to NEW to finish the login.
 */
export type AuthSessionState = 'NEW' | 'REGISTER' | 'CONSENT' | 'IDENTIFIED' | 'EXCHANGED';

/** The identity a connector vouched for (dex v0 `oidc.Identity`). */
export interface ConnectorIdentity {
  /** Subject at the connector (the user id for the local connector). */
  id: string;
  name?: string;
  email?: string;
  emailVerified?: boolean;
  /** Groups the user belongs to upstream (LDAP group DNs, an OIDC groups claim). */
  groups?: string[];
}

/** An authorization request in progress, from `/auth` to the code exchange. */
export interface AuthSessionRecord {
  id: string;
  state: AuthSessionState;
  clientId: string;
  clientState: string | null;
  redirectUri: string;
  /** Whether the authorization request named the redirect URI (else it was the client's only one). */
  redirectUriGiven: boolean;
  /** How the response reaches the client: `query`, `fragment` or `form_post`. */
  responseMode: string;
  /** `prompt=consent`: ask for approval even when the user gave it before. */
  forceConsent: boolean;
  scopes: string[];
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  connectorId: string | null;
  identity: ConnectorIdentity | null;
  userId: string | null;
  authTime: Date | null;
  createdAt: Date;
  expiresAt: Date;
}

interface AuthSessionRow {
  id: string;
  state: string;
  clientId: string;
  clientState: string | null;
  redirectUri: string;
  redirectUriGiven: boolean;
  responseMode: string;
  forceConsent: boolean;
  scope: string;
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  connectorId: string | null;
  identity: string | null;
  userId: string | null;
  authTime: Date | null;
  createdAt: Date;
  expiresAt: Date;
}

function toRecord(row: AuthSessionRow): AuthSessionRecord {
  return {
    id: row.id,
    state: row.state as AuthSessionState,
    clientId: row.clientId,
    clientState: row.clientState,
    redirectUri: row.redirectUri,
    redirectUriGiven: row.redirectUriGiven,
    responseMode: row.responseMode,
    forceConsent: row.forceConsent,
    scopes: row.scope === '' ? [] : row.scope.split(' '),
    nonce: row.nonce,
    codeChallenge: row.codeChallenge,
    codeChallengeMethod: row.codeChallengeMethod,
    connectorId: row.connectorId,
    identity: row.identity === null ? null : (JSON.parse(row.identity) as ConnectorIdentity),
    userId: row.userId,
    authTime: row.authTime,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  };
}

export interface CreateAuthSessionOptions {
  clientId: string;
  redirectUri: string;
  /** Whether the request named `redirect_uri` (default true); /token then requires it. */
  redirectUriGiven?: boolean;
  /** `query` (default), `fragment` or `form_post`. */
  responseMode?: string;
  /** `prompt=consent` (default false). */
  forceConsent?: boolean;
  scopes: readonly string[];
  clientState?: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  connectorId?: string;
  /** How long the user has to log in (dex v0: 12 h; we default to 30 min). */
  ttlMs?: number;
  now?: Date;
}

const DEFAULT_SESSION_TTL_MS = 30 * 60_000;

/**
 * Opens an authorization request. Its id (256 random bits) is the handle the login pages
 * carry; it is worthless once the session is identified or expired.
 * @example const session = await createAuthSession(db.prisma, { clientId, redirectUri, scopes: ['openid'] });
 */
export async function createAuthSession(prisma: PrismaDb, options: CreateAuthSessionOptions): Promise<AuthSessionRecord> {
  const now = options.now ?? new Date();
  const row = await prisma.authSession.create({
    data: {
      id: randomToken(32),
      state: 'NEW',
      clientId: options.clientId,
      clientState: options.clientState ?? null,
      redirectUri: options.redirectUri,
      redirectUriGiven: options.redirectUriGiven ?? true,
      responseMode: options.responseMode ?? 'query',
      forceConsent: options.forceConsent ?? false,
      scope: options.scopes.join(' '),
      nonce: options.nonce ?? null,
      codeChallenge: options.codeChallenge ?? null,
      codeChallengeMethod: options.codeChallengeMethod ?? null,
      connectorId: options.connectorId ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + (options.ttlMs ?? DEFAULT_SESSION_TTL_MS)),
    },
  });
  return toRecord(row);
}

/** A session that exists and has not expired, else null. @example await findAuthSession(db.prisma, id) */
export async function findAuthSession(prisma: PrismaDb, id: string, now = new Date()): Promise<AuthSessionRecord | null> {
  const row = await prisma.authSession.findUnique({ where: { id } });
  if (row === null || row.expiresAt.getTime() <= now.getTime()) return null;
  return toRecord(row);
}

export interface IdentifyAuthSessionOptions {
  sessionId: string;
  connectorId: string;
  identity: ConnectorIdentity;
  userId: string;
  authTime?: Date;
  /** How long the authorization code stays valid (dex v0: 10 min; we default to 60 s). */
  codeTtlMs?: number;
  /** The state the session must be in: NEW (default) or, once the user approved the client, CONSENT. */
  from?: 'NEW' | 'CONSENT';
  now?: Date;
}

const DEFAULT_CODE_TTL_MS = 60_000;

/**
 * Records who logged in (NEW -> IDENTIFIED) and issues the single-use authorization code.
 * Returns null when the session is gone, expired or already identified.
 * @example const code = await identifyAuthSession(db.prisma, { sessionId, connectorId: 'local', identity, userId });
 */
export async function identifyAuthSession(prisma: PrismaDb, options: IdentifyAuthSessionOptions): Promise<string | null> {
  const now = options.now ?? new Date();
  const code = randomToken(32);
  return prisma.$transaction(async (tx) => {
    const updated = await tx.authSession.updateMany({
      where: { id: options.sessionId, state: options.from ?? 'NEW', expiresAt: { gt: now } },
      data: {
        state: 'IDENTIFIED',
        connectorId: options.connectorId,
        identity: JSON.stringify(options.identity),
        userId: options.userId,
        authTime: options.authTime ?? now,
      },
    });
    if (updated.count !== 1) return null;
    await tx.authCode.create({
      data: {
        codeHash: sha256Hex(code),
        kind: 'code',
        sessionId: options.sessionId,
        createdAt: now,
        expiresAt: new Date(now.getTime() + (options.codeTtlMs ?? DEFAULT_CODE_TTL_MS)),
      },
    });
    return code;
  });
}

/**
 * Records who logged in (NEW -> CONSENT) without issuing a code: the user has yet to approve
 * the client. False when the session is gone, expired or no longer NEW.
 * @example if (await awaitConsent(db.prisma, { sessionId, connectorId, identity, userId })) showApprovalScreen();
 */
export async function awaitConsent(prisma: PrismaDb, options: Omit<IdentifyAuthSessionOptions, 'codeTtlMs' | 'from'>): Promise<boolean> {
  const now = options.now ?? new Date();
  const updated = await prisma.authSession.updateMany({
    where: { id: options.sessionId, state: 'NEW', expiresAt: { gt: now } },
    data: {
      state: 'CONSENT',
      connectorId: options.connectorId,
      identity: JSON.stringify(options.identity),
      userId: options.userId,
      authTime: options.authTime ?? now,
    },
  });
  return updated.count === 1;
}

/**
 * Parks an upstream identity that has no dex user yet on the session (NEW -> REGISTER), for
 * the registration page to read: the identity never travels through the browser, so a form
 * cannot forge it. False when the session is gone, expired or no longer NEW.
 * @example if (await awaitRegistration(db.prisma, { sessionId, connectorId: 'up', identity })) redirect(res, registrationPage);
 */
export async function awaitRegistration(
  prisma: PrismaDb,
  options: { sessionId: string; connectorId: string; identity: ConnectorIdentity; now?: Date },
): Promise<boolean> {
  const updated = await prisma.authSession.updateMany({
    where: { id: options.sessionId, state: 'NEW', connectorId: options.connectorId, expiresAt: { gt: options.now ?? new Date() } },
    data: { state: 'REGISTER', identity: JSON.stringify(options.identity) },
  });
  return updated.count === 1;
}

/**
 * Takes a registered session back to NEW (REGISTER -> NEW), keeping its identity, so that the
 * login can finish. A compare-and-set: of two concurrent registrations of one session, one
 * gets true and finishes the login, the other false.
 * @example if (await endRegistration(db.prisma, sessionId)) await finishLogin(...);
 */
export async function endRegistration(prisma: PrismaDb, sessionId: string, now = new Date()): Promise<boolean> {
  const updated = await prisma.authSession.updateMany({
    where: { id: sessionId, state: 'REGISTER', expiresAt: { gt: now } },
    data: { state: 'NEW' },
  });
  return updated.count === 1;
}

/**
 * Sends a pending authorization request to another connector (dex v0's `show_connectors`
 * guidance: "this email logs in with X"): a NEW or REGISTER session becomes NEW at
 * `connectorId`, forgetting any identity it held. The client's request (state, nonce, PKCE,
 * scopes) stays the same. Null when the session is gone, expired or already logged in.
 * @example if (await switchAuthSessionConnector(db.prisma, { sessionId, connectorId: 'local' })) redirect(res, local.loginUrl(session, {}));
 */
export async function switchAuthSessionConnector(
  prisma: PrismaDb,
  options: { sessionId: string; connectorId: string; now?: Date },
): Promise<AuthSessionRecord | null> {
  const updated = await prisma.authSession.updateMany({
    where: { id: options.sessionId, state: { in: ['NEW', 'REGISTER'] }, expiresAt: { gt: options.now ?? new Date() } },
    data: { state: 'NEW', connectorId: options.connectorId, identity: null },
  });
  if (updated.count !== 1) return null;
  return findAuthSession(prisma, options.sessionId, options.now);
}

/**
 * Ends a session waiting for consent that the user refused. False when it was not waiting
 * (already answered, gone): the refusal is then not the client's to hear again.
 * @example if (await refuseConsent(db.prisma, sessionId)) answerAccessDenied();
 */
export async function refuseConsent(prisma: PrismaDb, sessionId: string): Promise<boolean> {
  const deleted = await prisma.authSession.deleteMany({ where: { id: sessionId, state: 'CONSENT' } });
  return deleted.count === 1;
}

/** An authorization code as the token endpoint finds it, before it decides to spend it. */
export interface FoundAuthCode {
  codeHash: string;
  /** When it was spent; null while it is unused. */
  usedAt: Date | null;
  expiresAt: Date;
  session: AuthSessionRecord;
}

/**
 * Looks an authorization code up without spending it, so that the token endpoint can check
 * the client and the request first: only the code's own client may spend it (or, with a
 * replay, revoke what it issued). Null for an unknown code.
 * @example const found = await findAuthCode(db.prisma, code);
 */
export async function findAuthCode(prisma: PrismaDb, code: string): Promise<FoundAuthCode | null> {
  const row = await prisma.authCode.findUnique({ where: { codeHash: sha256Hex(code) }, include: { session: true } });
  if (row === null || row.kind !== 'code') return null;
  return { codeHash: row.codeHash, usedAt: row.usedAt, expiresAt: row.expiresAt, session: toRecord(row.session) };
}

/**
 * Spends a found authorization code exactly once (a compare-and-set on `usedAt`) and moves
 * its session to EXCHANGED. False when it was spent meanwhile (a concurrent use: a replay)
 * or has expired.
 * @example if (!(await spendAuthCode(db.prisma, found))) ... // replayed
 */
export async function spendAuthCode(prisma: PrismaDb, found: FoundAuthCode, now = new Date()): Promise<boolean> {
  const spent = await prisma.authCode.updateMany({
    where: { codeHash: found.codeHash, kind: 'code', usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  if (spent.count !== 1) return false;
  await prisma.authSession.updateMany({ where: { id: found.session.id }, data: { state: 'EXCHANGED' } });
  return true;
}
